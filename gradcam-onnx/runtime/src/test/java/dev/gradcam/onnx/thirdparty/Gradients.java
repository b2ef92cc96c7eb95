package dev.gradcam.onnx.thirdparty;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.tensor.FloatTensor;
import java.util.stream.IntStream;

/** Where to probe a gradient with finite differences, and how close the two must be. */
final class Gradients {

    private Gradients() {
    }

    /** The flat indices of the {@code k} entries of largest magnitude. */
    static int[] largest(FloatTensor g, int k) {
        return IntStream.range(0, g.size()).boxed()
                .sorted((a, b) -> Float.compare(Math.abs(g.getFlat(b)), Math.abs(g.getFlat(a))))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    /**
     * Analytic against finite difference: within 2% of the value plus 0.5% of the gradient's largest entry (float32
     * forward passes make the difference quotient noisy on small entries).
     */
    static void assertClose(String what, double analytic, double fd, FloatTensor gradient) {
        double scale = Math.abs(gradient.getFlat(largest(gradient, 1)[0]));
        double tol = 0.02 * Math.abs(analytic) + 0.005 * scale + 1e-9;
        assertTrue(Math.abs(analytic - fd) <= tol, what + ": analytic " + analytic + " vs finite difference " + fd
                + " (tolerance " + tol + ")");
    }

    /**
     * Grad-CAM by its definition, in float64: the sum over channels of the activation [1, K, ...] weighted by the
     * spatial mean of its gradient, signed (before any ReLU).
     */
    static double[] gradCam(FloatTensor activation, FloatTensor gradient) {
        int k = (int) activation.shape().dim(1);
        int hw = activation.size() / k;
        double[] map = new double[hw];
        for (int c = 0; c < k; c++) {
            double w = 0;
            for (int p = 0; p < hw; p++) {
                w += gradient.getFlat(c * hw + p);
            }
            w /= hw;
            for (int p = 0; p < hw; p++) {
                map[p] += w * activation.getFlat(c * hw + p);
            }
        }
        return map;
    }

    /** {@code |actual - expected| / |expected|} in L2. */
    static double relativeError(FloatTensor actual, double[] expected) {
        double num = 0;
        double den = 0;
        for (int p = 0; p < expected.length; p++) {
            double e = expected[p];
            num += (actual.getFlat(p) - e) * (actual.getFlat(p) - e);
            den += e * e;
        }
        return Math.sqrt(num / den);
    }
}
