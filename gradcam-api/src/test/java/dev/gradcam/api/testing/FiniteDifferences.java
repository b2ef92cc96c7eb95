package dev.gradcam.api.testing;

import dev.gradcam.api.tensor.FloatTensor;
import java.util.function.ToDoubleFunction;

/** Central finite differences of scalar functions of a tensor: independent references for gradients. */
public final class FiniteDifferences {

    private FiniteDifferences() {
    }

    /** {@code (f(x + h e_i) - f(x - h e_i)) / 2h} for every element i, in the shape of {@code x}. */
    public static FloatTensor gradient(ToDoubleFunction<FloatTensor> f, FloatTensor x, double h) {
        float[] base = x.toArray();
        float[] g = new float[base.length];
        for (int i = 0; i < base.length; i++) {
            float[] plus = base.clone();
            float[] minus = base.clone();
            plus[i] += (float) h;
            minus[i] -= (float) h;
            double fp = f.applyAsDouble(FloatTensor.wrapOwned(x.shape(), plus));
            double fm = f.applyAsDouble(FloatTensor.wrapOwned(x.shape(), minus));
            g[i] = (float) ((fp - fm) / (plus[i] - (double) minus[i]));
        }
        return FloatTensor.wrapOwned(x.shape(), g);
    }
}
