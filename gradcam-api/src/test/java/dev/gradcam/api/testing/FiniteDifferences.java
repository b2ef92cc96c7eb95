package dev.gradcam.api.testing;

import dev.gradcam.api.tensor.FloatTensor;
import java.util.function.DoubleUnaryOperator;
import java.util.function.ToDoubleFunction;

/**
 * Central finite differences: the independent reference every gradient in the tests is checked against. One
 * implementation for all modules (shipped in gradcam-api's test jar). Errors are O(h^2) for smooth functions; inputs
 * are float32, so steps much below 1e-3 relative to the values lose more to rounding than they gain.
 */
public final class FiniteDifferences {

    private FiniteDifferences() {
    }

    /** {@code (f(h) - f(-h)) / 2h}: the derivative at 0 of a function of one step size. */
    public static double central(DoubleUnaryOperator f, double h) {
        return (f.applyAsDouble(h) - f.applyAsDouble(-h)) / (2 * h);
    }

    /** {@code (f(x + h e_i) - f(x - h e_i)) / 2h}, the partial derivative along element {@code i}. */
    public static double partial(ToDoubleFunction<FloatTensor> f, FloatTensor x, int i, double h) {
        return central(d -> f.applyAsDouble(bump(x, i, d)), h);
    }

    /**
     * The derivative of {@code f} at {@code x} along the unit vector of {@code direction} (steps of {@code h} along
     * it); equals {@code <grad f(x), direction> / |direction|}.
     */
    public static double directional(ToDoubleFunction<FloatTensor> f, FloatTensor x, FloatTensor direction,
                                     double h) {
        double norm = direction.norm();
        return central(d -> f.applyAsDouble(axpy(x, direction, d / norm)), h);
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
            // The step actually taken in float32, not h: what the difference quotient divides by.
            g[i] = (float) ((fp - fm) / (plus[i] - (double) minus[i]));
        }
        return FloatTensor.wrapOwned(x.shape(), g);
    }

    /** {@code x} with {@code d} added to element {@code i}. */
    public static FloatTensor bump(FloatTensor x, int i, double d) {
        float[] v = x.toArray();
        v[i] += (float) d;
        return FloatTensor.wrapOwned(x.shape(), v);
    }

    /** {@code x + a * v}, element-wise. */
    public static FloatTensor axpy(FloatTensor x, FloatTensor v, double a) {
        float[] out = x.toArray();
        for (int i = 0; i < out.length; i++) {
            out[i] += (float) (a * v.getFlat(i));
        }
        return FloatTensor.wrapOwned(x.shape(), out);
    }
}
