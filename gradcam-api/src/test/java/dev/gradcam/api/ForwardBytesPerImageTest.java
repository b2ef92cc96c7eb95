package dev.gradcam.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.InMemoryCnn;
import org.junit.jupiter.api.Test;

/** The default {@link DifferentiableModel#forwardBytesPerImage}: the declared layer shapes, summed per image. */
class ForwardBytesPerImageTest {

    @Test
    void sumsEveryLayerOfOneImageAtFourBytesAnElement() {
        try (InMemoryCnn model = InMemoryCnn.random(1, 3, 4, 5, 6, 7)) {
            // conv and relu [4, 6, 7], pool [4, 1, 1], logits [5]; the batch size does not matter.
            long expected = 4L * (2 * 4 * 6 * 7 + 4 + 5);
            assertEquals(expected, model.forwardBytesPerImage(Shape.of(1, 3, 6, 7)));
            assertEquals(expected, model.forwardBytesPerImage(Shape.of(9, 3, 6, 7)));
        }
    }

    @Test
    void unknownForAnInputOfAnotherSizeThanDeclared() {
        try (InMemoryCnn model = InMemoryCnn.random(1, 3, 4, 5, 6, 7)) {
            assertEquals(-1, model.forwardBytesPerImage(Shape.of(1, 3, 12, 14)));
            assertEquals(-1, model.forwardBytesPerImage(Shape.of(3, 6, 7)));
        }
    }
}
