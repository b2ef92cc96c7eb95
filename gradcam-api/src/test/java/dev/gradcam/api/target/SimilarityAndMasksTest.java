package dev.gradcam.api.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Size;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.FiniteDifferences;
import java.awt.Color;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** Similarity targets (values by hand, gradients against finite differences) and region masks. */
class SimilarityAndMasksTest {

    private final FloatTensor reference = FloatTensor.of(Shape.of(3), 1f, 2f, 2f);
    private final FloatTensor embedding = FloatTensor.of(Shape.of(3), 3f, 0f, 4f);

    @Test
    void cosineSimilarity() {
        Target t = Targets.cosineSimilarity(reference);
        assertEquals(11.0 / 15, t.score(embedding), 1e-6, "(3 + 8) / (5 * 3)");
        FloatTensor fd = FiniteDifferences.gradient(t::score, embedding, 1e-2);
        FloatTensor g = t.gradient(embedding);
        for (int i = 0; i < 3; i++) {
            assertEquals(fd.getFlat(i), g.getFlat(i), 1e-4, "element " + i);
        }
        assertEquals(1.0, t.score(FloatTensor.of(Shape.of(3), 2f, 4f, 4f)), 1e-6);
        assertThrows(InvalidInputException.class, () -> t.score(FloatTensor.zeros(Shape.of(4))));
        assertThrows(InvalidArgumentException.class, () -> Targets.cosineSimilarity(FloatTensor.zeros(Shape.of(3))));
    }

    @Test
    void dotProduct() {
        Target t = Targets.dotProduct(reference);
        assertEquals(11, t.score(embedding), 1e-6);
        assertEquals(reference, t.gradient(embedding));
    }

    @Test
    void predictedThresholdedAndImageMasks() {
        // Two classes on a 2x2 map: class 1 wins at pixels 1 and 2.
        FloatTensor out = FloatTensor.of(Shape.of(2, 2, 2), 1f, 0f, 0f, 3f, 0f, 1f, 2f, 2.5f);
        assertEquals(FloatTensor.of(Shape.of(2, 2), 0f, 1f, 1f, 0f), RegionMasks.predicted(out, 1));
        assertEquals(FloatTensor.of(Shape.of(2, 2), 0f, 1f, 1f, 1f), RegionMasks.thresholded(out, 1, 0.5));
        assertThrows(InvalidInputException.class, () -> RegionMasks.predicted(out, 2));
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        img.setRGB(2, 1, Color.WHITE.getRGB());
        img.setRGB(3, 1, Color.GRAY.getRGB());
        assertEquals(FloatTensor.of(Shape.of(1, 2), 0f, 1f), RegionMasks.fromImage(img, Size.of(2, 1)),
                "nearest sampling of the 4x2 picture at (1, 1) and (3, 1); grey 128 counts as white");
        assertEquals(FloatTensor.of(Shape.of(2, 4), 0f, 0f, 0f, 0f, 0f, 0f, 1f, 1f), RegionMasks.fromImage(img, Size.of(4, 2)));
    }
}
