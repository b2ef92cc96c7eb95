package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.Arrays;
import java.util.OptionalInt;

/**
 * Finer-CAM's target (Zhang et al. 2025; pytorch-grad-cam's {@code FinerWeightedTarget}): the main class's logit
 * minus alpha times similar classes' logits, weighted by those classes' softmax probabilities,
 * {@code S = sum_j p_j (y_m - alpha y_j) / (sum_j p_j + 1e-9)}. The probabilities are differentiated too (as
 * autograd does in pytorch-grad-cam), so the gradient is
 * {@code dS/dy_i = [sum_j dp_j/dy_i (y_m - alpha y_j) + sum_j p_j (d_im - alpha d_ij)] / D - N sum_j dp_j/dy_i / D^2}
 * with {@code dp_j/dy_i = p_j (d_ij - p_i)}.
 */
record FinerTarget(int main, int[] comparison, double alpha) implements Target {

    /** pytorch-grad-cam's guard on the probability sum. */
    static final double EPS = 1e-9;

    FinerTarget {
        if (main < 0 || comparison.length == 0 || Arrays.stream(comparison).anyMatch(c -> c < 0)) {
            throw new InvalidArgumentException("need a class index >= 0 and at least one comparison class >= 0, got "
                    + main + " and " + Arrays.toString(comparison));
        }
        if (!Double.isFinite(alpha)) {
            throw new InvalidArgumentException("alpha must be finite, got " + alpha);
        }
        comparison = comparison.clone();
    }

    @Override
    public double score(FloatTensor output) {
        check(output);
        double[] p = ClassProbability.softmax(output);
        double num = 0;
        double den = 0;
        for (int j : comparison) {
            num += p[j] * (output.getFlat(main) - alpha * output.getFlat(j));
            den += p[j];
        }
        return num / (den + EPS);
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        check(output);
        double[] p = ClassProbability.softmax(output);
        int n = p.length;
        double num = 0;
        double den = 0;
        for (int j : comparison) {
            num += p[j] * (output.getFlat(main) - alpha * output.getFlat(j));
            den += p[j];
        }
        den += EPS;
        float[] g = new float[n];
        for (int i = 0; i < n; i++) {
            double dNum = 0;
            double dDen = 0;
            for (int j : comparison) {
                double dp = p[j] * ((i == j ? 1 : 0) - p[i]);
                dNum += dp * (output.getFlat(main) - alpha * output.getFlat(j))
                        + p[j] * ((i == main ? 1 : 0) - alpha * (i == j ? 1 : 0));
                dDen += dp;
            }
            g[i] = (float) (dNum / den - num * dDen / (den * den));
        }
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    private void check(FloatTensor output) {
        Targets.checkClass(output, main);
        for (int c : comparison) {
            if (c >= output.size()) {
                throw new InvalidInputException("comparison class " + c + " is out of range: the output of one image "
                        + "has " + output.size() + " elements; valid: 0.." + (output.size() - 1));
            }
        }
    }

    @Override
    public OptionalInt classIndex(FloatTensor output) {
        return OptionalInt.of(main);
    }

    @Override
    public String describe() {
        return "finer[" + main + " vs " + Arrays.toString(comparison) + ", alpha " + alpha + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FinerTarget f && f.main == main && Arrays.equals(f.comparison, comparison)
                && Double.compare(f.alpha, alpha) == 0;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * main + Arrays.hashCode(comparison)) + Double.hashCode(alpha);
    }

    @Override
    public String toString() {
        return describe();
    }
}
