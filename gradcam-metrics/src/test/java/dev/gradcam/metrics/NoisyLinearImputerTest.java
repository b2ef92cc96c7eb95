package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;

class NoisyLinearImputerTest {

    /** A linear ramp per channel: v(c, y, x) = c + 0.5 y - 0.25 x. */
    private static FloatTensor ramp(int c, int h, int w) {
        float[] d = new float[c * h * w];
        for (int ch = 0; ch < c; ch++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    d[(ch * h + y) * w + x] = ch + 0.5f * y - 0.25f * x;
                }
            }
        }
        return FloatTensor.wrapOwned(Shape.of(c, h, w), d);
    }

    @Test
    void linearImagesAreReproducedInside() {
        // The 8-neighbour stencil is symmetric, so a linear function is its own weighted neighbour mean: removing
        // any interior block must give the ramp back exactly (up to the solver's rounding).
        FloatTensor img = ramp(2, 9, 11);
        boolean[] keep = new boolean[9 * 11];
        java.util.Arrays.fill(keep, true);
        for (int y = 2; y < 7; y++) {
            for (int x = 3; x < 9; x++) {
                keep[y * 11 + x] = false;
            }
        }
        FloatTensor out = NoisyLinearImputer.of(0, 0).impute(img, keep, 0);
        for (int i = 0; i < img.size(); i++) {
            assertEquals(img.getFlat(i), out.getFlat(i), 1e-5, "element " + i);
        }
    }

    @Test
    void noiseHasTheRequestedSpreadAndIsSeeded() {
        FloatTensor img = ramp(1, 40, 40);
        boolean[] keep = new boolean[1600];
        for (int p = 0; p < keep.length; p += 2) {
            keep[p] = true;
        }
        FloatTensor clean = NoisyLinearImputer.of(0, 0).impute(img, keep, 0);
        FloatTensor noisy = NoisyLinearImputer.of(0.5, 7).impute(img, keep, 3);
        double sq = 0;
        for (int p = 1; p < 1600; p += 2) {
            double d = noisy.getFlat(p) - clean.getFlat(p);
            sq += d * d;
        }
        assertEquals(0.5, Math.sqrt(sq / 800), 0.05, "standard deviation of the imputation noise");
        assertEquals(noisy, NoisyLinearImputer.of(0.5, 7).impute(img, keep, 3), "same seed and stream, same image");
        for (int p = 0; p < 1600; p += 2) {
            assertEquals(img.getFlat(p), noisy.getFlat(p), "kept pixels are untouched");
        }
    }

    @Test
    void everythingRemovedGivesChannelMeans() {
        FloatTensor img = ramp(2, 4, 4);
        FloatTensor out = NoisyLinearImputer.of(0, 0).impute(img, new boolean[16], 0);
        for (int ch = 0; ch < 2; ch++) {
            double mean = img.slice(ch).sum() / 16;
            for (int p = 0; p < 16; p++) {
                assertEquals(mean, out.getFlat(ch * 16 + p), 1e-6);
            }
        }
    }

    @Test
    void badInputsAreNamed() {
        assertThrows(InvalidInputException.class,
                () -> NoisyLinearImputer.defaults().impute(ramp(1, 4, 4), new boolean[15], 0));
        assertThrows(InvalidInputException.class,
                () -> NoisyLinearImputer.defaults().impute(FloatTensor.zeros(Shape.of(16)), new boolean[16], 0));
        assertThrows(InvalidArgumentException.class, () -> NoisyLinearImputer.of(-1, 0));
    }
}
