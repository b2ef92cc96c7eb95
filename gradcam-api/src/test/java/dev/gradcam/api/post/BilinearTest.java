package dev.gradcam.api.post;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.io.InputStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Bilinear resizing against PyTorch {@code interpolate(bilinear, align_corners=False)} and OpenCV
 * {@code resize(INTER_LINEAR)} outputs computed once by {@code make_upsample_fixtures.py} beside the fixtures.
 */
class BilinearTest {

    private static FloatTensor fixture(String name) throws Exception {
        try (InputStream in = BilinearTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing fixture " + name);
            }
            return Npy.read(in);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"7x7_to_32x32", "3x4_to_10x7", "5x3_to_17x11", "8x8_to_3x5", "2x2_to_2x2", "1x1_to_4x6",
            "14x14_to_224x224"})
    void matchesPyTorchAndOpenCv(String resize) throws Exception {
        FloatTensor in = fixture("up_" + resize + "_in.npy");
        FloatTensor torch = fixture("up_" + resize + "_torch.npy");
        FloatTensor cv = fixture("up_" + resize + "_cv2.npy");
        FloatTensor out = Bilinear.resize(in, torch.shape().intDim(0), torch.shape().intDim(1));
        assertEquals(torch.shape(), out.shape());
        assertTrue(out.relativeError(torch) < 1e-6, "vs PyTorch: " + out.relativeError(torch));
        assertTrue(out.relativeError(cv) < 1e-6, "vs OpenCV: " + out.relativeError(cv));
    }

    @Test
    void handDerivedTwoToFour() {
        // [a, b] -> 4 samples at source x = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (hi clamped): a, .75a+.25b, ...
        FloatTensor in = FloatTensor.of(Shape.of(1, 2), 0f, 4f);
        assertArrayEquals(new float[] {0, 1, 3, 4}, Bilinear.resize(in, 1, 4).toArray(), 1e-6f);
    }

    @Test
    void resizesEveryPlaneOfABatch() {
        FloatTensor in = FloatTensor.of(Shape.of(2, 1, 2), 0f, 4f, 4f, 0f);
        FloatTensor out = Bilinear.resize(in, 1, 4);
        assertEquals(Shape.of(2, 1, 4), out.shape());
        assertArrayEquals(new float[] {0, 1, 3, 4, 4, 3, 1, 0}, out.toArray(), 1e-6f);
    }

    @Test
    void rejectsBadSizes() {
        assertThrows(InvalidInputException.class, () -> Bilinear.resize(FloatTensor.zeros(Shape.of(3)), 2, 2));
        assertThrows(InvalidInputException.class, () -> Bilinear.resize(FloatTensor.zeros(Shape.of(2, 2)), 0, 2));
    }
}
