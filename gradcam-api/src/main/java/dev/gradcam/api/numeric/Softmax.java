package dev.gradcam.api.numeric;

import dev.gradcam.api.InvalidArgumentException;

/**
 * The softmax and its log-normaliser, computed stably in double precision (the largest value is subtracted before
 * exponentiating, so large logits do not overflow). The one implementation behind probability targets, the "rest"
 * target and Score-CAM's channel softmax. Stateless.
 */
public final class Softmax {

    private Softmax() {
    }

    /** {@code exp(x_i) / sum_j exp(x_j)} for each {@code i}; a new array. */
    public static double[] of(double[] x) {
        InvalidArgumentException.requireNonNull(x, "x");
        double max = max(x);
        double[] p = new double[x.length];
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            p[i] = Math.exp(x[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < x.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** {@code log(sum_j exp(x_j))}, the log of the softmax's normaliser. */
    public static double logSumExp(double[] x) {
        InvalidArgumentException.requireNonNull(x, "x");
        double max = max(x);
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    private static double max(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        return max;
    }
}
