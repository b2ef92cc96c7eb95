package dev.gradcam.api.post;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;

/** Normalisation policies on hand-made maps; expected values computed by hand from each policy's formula. */
class NormalizationTest {

    // Two images of 1x4: [1, 2, 3, 5] and [-2, 0, 2, 2]
    private final FloatTensor maps = FloatTensor.of(Shape.of(2, 1, 4), 1, 2, 3, 5, -2, 0, 2, 2);

    @Test
    void perImageMinMaxAsPytorchGradCam() {
        float[] out = Normalizations.perImageMinMax().apply(maps).toArray();
        assertArrayEquals(new float[] {0, 0.25f, 0.5f, 1, 0, 0.5f, 1, 1}, out, 1e-6f);
    }

    @Test
    void perBatchMinMaxSharesOneScale() {
        // min -2, max 5: (x + 2) / 7
        float[] out = Normalizations.perBatchMinMax().apply(maps).toArray();
        assertArrayEquals(new float[] {3 / 7f, 4 / 7f, 5 / 7f, 1, 0, 2 / 7f, 4 / 7f, 4 / 7f}, out, 1e-6f);
    }

    @Test
    void percentileClipsThenScales() {
        // image 0 sorted [1,2,3,5]: p25 at position 0.75 -> 1.75; p75 at 2.25 -> 3.5 (numpy's linear method)
        float[] out = Normalizations.percentile(25, 75).apply(maps).toArray();
        float lo = 1.75f;
        float hi = 3.5f;
        assertArrayEquals(new float[] {0, (2 - lo) / (hi - lo), (3 - lo) / (hi - lo), 1}, java.util.Arrays.copyOf(out, 4),
                1e-5f);
    }

    @Test
    void noneAndMaxAbs() {
        assertArrayEquals(maps.toArray(), Normalizations.none().apply(maps).toArray());
        float[] out = Normalizations.perImageMaxAbs().apply(maps).toArray();
        assertArrayEquals(new float[] {0.2f, 0.4f, 0.6f, 1, -1, 0, 1, 1}, out, 1e-6f);
    }

    @Test
    void constantMapBecomesZeroNotNaN() {
        FloatTensor flat = FloatTensor.full(Shape.of(1, 2, 2), 3f);
        assertArrayEquals(new float[4], Normalizations.perImageMinMax().apply(flat).toArray(), 0f);
    }

    @Test
    void activationsOfTheSignedMap() {
        assertArrayEquals(new float[] {0, 2}, new float[] {MapActivation.RELU.apply(-1), MapActivation.RELU.apply(2)});
        assertArrayEquals(new float[] {1, -1}, new float[] {MapActivation.ABS.apply(-1), MapActivation.SIGNED.apply(-1)});
    }
}
