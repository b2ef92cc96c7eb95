package dev.gradcam.api.testing;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Random;

/** Tensor helpers the tests of every module share: inner products and seeded random tensors. */
public final class Tensors {

    private Tensors() {
    }

    /** {@code sum_i a_i b_i} in double precision. */
    public static double dot(FloatTensor a, FloatTensor b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("dot of " + a.shape() + " and " + b.shape());
        }
        double s = 0;
        for (int i = 0; i < a.size(); i++) {
            s += (double) a.getFlat(i) * b.getFlat(i);
        }
        return s;
    }

    /** Standard-normal values of shape {@code s} from {@code seed} ({@link Random#nextGaussian}). */
    public static FloatTensor gaussian(Shape s, long seed) {
        Random r = new Random(seed);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(s, d);
    }

    /** Values uniform in [-1, 1) of shape {@code s} from {@code seed}. */
    public static FloatTensor uniform(Shape s, long seed) {
        Random r = new Random(seed);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return FloatTensor.wrapOwned(s, d);
    }
}
