package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;

class BaselinesTest {

    private static final FloatTensor IMAGES = FloatTensor.of(Shape.of(2, 3, 1, 2), 1, 2, 3, 4, 5, 6, -1, -2, -3, -4,
            -5, -6);

    @Test
    void blackUnderImagenetNormalisationIsMinusMeanOverStd() {
        FloatTensor b = Baselines.black(Preprocessing.imagenet()).of(IMAGES);
        float[] expected = {-0.485f / 0.229f, -0.485f / 0.229f, -0.456f / 0.224f, -0.456f / 0.224f,
                -0.406f / 0.225f, -0.406f / 0.225f};
        assertArrayEquals(expected, b.slice(0).toArray(), 1e-5f);
        assertArrayEquals(expected, b.slice(1).toArray(), 1e-5f);
        assertArrayEquals(new float[12], Baselines.zero().of(IMAGES).toArray());
    }

    @Test
    void constantsBroadcastPerChannel() {
        assertArrayEquals(new float[] {7, 7, 8, 8, 9, 9, 7, 7, 8, 8, 9, 9},
                Baselines.constant(7, 8, 9).of(IMAGES).toArray());
        assertThrows(InvalidInputException.class, () -> Baselines.constant(1, 2).of(IMAGES));
    }

    @Test
    void randomNoiseStaysInEachImagesRangeAndIsSeeded() {
        FloatTensor r = Baselines.random(5).of(IMAGES);
        assertTrue(r.slice(0).min() >= 1 && r.slice(0).max() <= 6);
        assertTrue(r.slice(1).min() >= -6 && r.slice(1).max() <= -1);
        assertEquals(r, Baselines.random(5).of(IMAGES));
        assertNotEquals(r, Baselines.random(6).of(IMAGES));
        FloatTensor u = Baselines.uniform(-1, 1, 2).of(IMAGES);
        assertTrue(u.min() >= -1 && u.max() < 1);
    }

    @Test
    void aCustomBaselineOfOneImageIsUsedForEveryImage() {
        FloatTensor one = FloatTensor.full(Shape.of(1, 3, 1, 2), 0.5f);
        assertEquals(FloatTensor.full(IMAGES.shape(), 0.5f), Baselines.of(one).of(IMAGES));
        assertEquals(IMAGES, Baselines.of(IMAGES).of(IMAGES));
    }

    @Test
    void blurredKeepsTheMeanOfAConstantImage() {
        FloatTensor c = FloatTensor.full(Shape.of(1, 3, 5, 5), 2f);
        assertArrayEquals(c.toArray(), Baselines.blurred(1.5).of(c).toArray(), 1e-6f);
    }
}
