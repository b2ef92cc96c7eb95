package dev.gradcam.api.image;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Resizing of images and heatmaps (bilinear, half-pixel centres, as PyTorch align_corners=False). */
class ImageResizeTest {

    private static FloatTensor resizeGreyRow(int[] levels, int width) {
        BufferedImage row = Pixels.grayImage(levels.length, 1, levels);
        return Images.toTensor(row, Preprocessing.builder().grayscale(true).resize(width, 1).build());
    }

    @Test
    void upsamplesByHand() {
        // 2 -> 5: s = (d + 0.5) * 0.4 - 0.5 = -0.3 (clamped to 0), 0.1, 0.5, 0.9, 1.3 (upper neighbour clamped).
        assertArrayEquals(new float[] {10, 12, 20, 28, 30}, resizeGreyRow(new int[] {10, 30}, 5).toArray(), 1e-4f);
    }

    @Test
    void downsamplesWithoutAntialiasing() {
        // 4 -> 2: s = 0.5, 2.5 -> means of neighbouring pixels, the far pixels ignored.
        assertArrayEquals(new float[] {15, 35}, resizeGreyRow(new int[] {10, 20, 30, 40}, 2).toArray(), 1e-4f);
    }

    @Test
    void resizesEveryColourChannelAlike() {
        BufferedImage image = Pixels.rgbImage(2, 1, new int[] {0x0A1428, 0x1E3C78}); // (10,20,40), (30,60,120)
        FloatTensor t = Images.toTensor(image, Preprocessing.raw().withSize(5, 1));
        assertEquals(Shape.of(1, 3, 1, 5), t.shape());
        assertArrayEquals(new float[] {10, 12, 20, 28, 30, 20, 24, 40, 56, 60, 40, 48, 80, 112, 120}, t.toArray(),
                1e-4f);
    }
}
