package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;

class GaussianBlurTest {

    @Test
    void theKernelIsANormalisedGaussianOfRadiusThreeSigma() {
        double[] k = GaussianBlur.kernel(1.0);
        assertEquals(7, k.length);
        double z = 1 + 2 * (Math.exp(-0.5) + Math.exp(-2) + Math.exp(-4.5));
        assertEquals(1 / z, k[3], 1e-12);
        assertEquals(Math.exp(-0.5) / z, k[2], 1e-12);
        assertEquals(1.0, java.util.Arrays.stream(k).sum(), 1e-12);
    }

    @Test
    void bordersMirrorWithoutRepeatingTheEdge() {
        // reflect-101 on 0..3: ... 2 1 | 0 1 2 3 | 2 1 0 1 ...
        int[] expected = {1, 2, 3, 2, 1, 0, 1, 2, 3, 2, 1, 0, 1};
        for (int i = -5; i <= 7; i++) {
            assertEquals(expected[i + 5], GaussianBlur.reflect(i, 4), "index " + i);
        }
        assertEquals(0, GaussianBlur.reflect(3, 1));
    }

    @Test
    void aDeltaBecomesTheSeparableKernel() {
        float[] d = new float[9 * 9];
        d[4 * 9 + 4] = 1;
        FloatTensor out = GaussianBlur.blur(FloatTensor.wrapOwned(Shape.of(1, 9, 9), d), 1.0);
        double[] k = GaussianBlur.kernel(1.0);
        for (int y = 1; y < 8; y++) {
            for (int x = 1; x < 8; x++) {
                assertEquals(k[y - 1] * k[x - 1], out.get(0, y, x), 1e-7);
            }
        }
        assertEquals(1.0, out.sum(), 1e-6, "blur conserves the total away from borders");
    }

    @Test
    void constantsStayConstantEvenWhenTheKernelIsWiderThanTheImage() {
        FloatTensor c = FloatTensor.full(Shape.of(2, 3, 3), 4f);
        assertArrayEquals(c.toArray(), GaussianBlur.blur(c, 3.0).toArray(), 1e-5f);
        assertEquals(c, GaussianBlur.blur(c, 0));
        assertThrows(InvalidArgumentException.class, () -> GaussianBlur.blur(c, -1));
    }
}
