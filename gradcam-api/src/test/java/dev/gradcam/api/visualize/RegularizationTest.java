package dev.gradcam.api.visualize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.FiniteDifferences;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Penalty gradients against finite differences of the penalties, clamping, and the jitter roll. */
class RegularizationTest {

    /** L2, total variation and alpha norm as Regularization documents them. */
    private static double penalty(Regularization r, FloatTensor t, int h, int w) {
        double p = 0;
        for (int i = 0; i < t.size(); i++) {
            double v = t.getFlat(i);
            p += r.l2Decay() * v * v / 2 + r.alphaNorm() * Math.pow(Math.abs(v), r.alphaExponent());
        }
        for (int c = 0; c < t.size(); c += h * w) {
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < w; xx++) {
                    int e = c + y * w + xx;
                    if (y + 1 < h) {
                        p += r.totalVariation() * Math.pow(t.getFlat(e + w) - (double) t.getFlat(e), 2);
                    }
                    if (xx + 1 < w) {
                        p += r.totalVariation() * Math.pow(t.getFlat(e + 1) - (double) t.getFlat(e), 2);
                    }
                }
            }
        }
        return p;
    }

    @Test
    void penaltyGradientsMatchFiniteDifferences() {
        Regularization r = Regularization.none().withL2Decay(0.3).withTotalVariation(0.7).withAlphaNorm(0.05, 6);
        int h = 3;
        int w = 4;
        Random rnd = new Random(1);
        float[] x = new float[2 * h * w];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        float[] g = new float[x.length];
        r.addGradient(x, g, h, w);
        FloatTensor numeric = FiniteDifferences.gradient(t -> penalty(r, t, h, w),
                FloatTensor.of(Shape.of(2, h, w), x), 1e-3);
        for (int i = 0; i < x.length; i++) {
            double n = numeric.getFlat(i);
            assertEquals(n, g[i], 1e-3 * Math.max(1, Math.abs(n)), "element " + i);
        }
    }

    @Test
    void clampingAndValidation() {
        float[] x = {-5, 0.5f, 9};
        Regularization.none().withClamp(-1, 1).clamp(x);
        assertArrayEquals(new float[] {-1, 0.5f, 1}, x);
        assertThrows(InvalidArgumentException.class, () -> Regularization.none().withClamp(1, 1));
        assertThrows(InvalidArgumentException.class, () -> Regularization.none().withJitter(-1));
    }

    @Test
    void jitterRollsBackExactly() {
        float[] d = new float[2 * 2 * 3 * 4];
        for (int i = 0; i < d.length; i++) {
            d[i] = i;
        }
        int[] dy = {1, -2};
        int[] dx = {3, 1};
        float[] rolled = InputOptimizer.roll(d, 24, 3, 4, dy, dx, 1);
        assertEquals(d[0], rolled[1 * 4 + 3], "element (0, 0) of image 0 moves to (1, 3)");
        assertArrayEquals(d, InputOptimizer.roll(rolled, 24, 3, 4, dy, dx, -1));
    }
}
