package dev.gradcam.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.target.RegionMasks;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.InMemoryCnn;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * One argument order for image sizes: every setting takes a {@link Size}, width first. The sizes here are not square,
 * so a setting that swapped width and height (as {@code outputSize(height, width)} next to
 * {@code withSize(width, height)} once invited) gives a transposed shape and fails.
 */
class SizeTest {

    private static final Size WIDE = Size.of(6, 4);

    @Test
    void widthComesFirstAndTensorDimsComeHeightFirst() {
        assertEquals(6, WIDE.width());
        assertEquals(4, WIDE.height());
        assertEquals("6x4", WIDE.toString());
        assertEquals(WIDE, Size.ofTensorDims(4, 6));
        assertEquals(Size.of(5, 5), Size.square(5));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Size.of(3, 0));
        assertEquals("a size must be positive, got width 3 x height 0", e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> Size.ofTensorDims(1L << 40, 2));
    }

    @Test
    void preprocessingResizesToWidthByHeight() {
        FloatTensor x = Images.toTensor(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB),
                Preprocessing.imagenet().withSize(WIDE));
        assertEquals(Shape.of(1, 3, 4, 6), x.shape());
        FloatTensor cropped = Images.toTensor(new BufferedImage(10, 10, BufferedImage.TYPE_INT_RGB),
                Preprocessing.imagenet().toBuilder().resizeShorterSide(8).centerCrop(WIDE).build());
        assertEquals(Shape.of(1, 3, 4, 6), cropped.shape());
    }

    @Test
    void explainerOutputSizeGivesMapsHeightByWidth() {
        try (InMemoryCnn model = InMemoryCnn.random(3, 3, 4, 5, 6, 6)) {
            Explanation e = Explainer.gradCam(model).layer(InMemoryCnn.RELU).outputSize(WIDE).build()
                    .explain(model.randomInput(1, 2));
            assertEquals(Shape.of(2, 4, 6), e.heatmaps().shape());
        }
    }

    @Test
    void regionMaskFromAPictureHasTheGivenSize() {
        BufferedImage white = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        white.setRGB(0, 0, 0xffffff);
        FloatTensor mask = RegionMasks.fromImage(white, WIDE);
        assertEquals(Shape.of(4, 6), mask.shape());
        assertEquals(1f, mask.get(0, 0)); // the white pixel covers the top-left 2x2 cells
        assertEquals(1f, mask.get(1, 1));
        assertEquals(0f, mask.get(0, 2));
    }
}
