package dev.gradcam.api.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The raster fast paths of {@link Pixels} against what {@code getRGB} and {@code setRGB} give (the reference). */
class PixelsTest {

    private static BufferedImage random(int type, int w, int h, long seed) {
        BufferedImage image = new BufferedImage(w, h, type);
        Random r = new Random(seed);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, r.nextInt());
            }
        }
        return image;
    }

    @Test
    void argbEqualsGetRgbForEveryLayoutAndForSubImages() {
        int[] types = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_ARGB,
            BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_INT_BGR, BufferedImage.TYPE_USHORT_565_RGB};
        for (int type : types) {
            BufferedImage image = random(type, 13, 7, type);
            assertArrayEquals(image.getRGB(0, 0, 13, 7, null, 0, 13), Pixels.argb(image), "type " + type);
            BufferedImage sub = image.getSubimage(2, 1, 9, 5);
            assertArrayEquals(sub.getRGB(0, 0, 9, 5, null, 0, 9), Pixels.argb(sub), "sub-image of type " + type);
        }
    }

    @Test
    void rgbImageStoresWhatSetRgbStores() {
        int[] rgb = new Random(3).ints(11 * 6).toArray(); // alpha bits set at random: ignored by both
        BufferedImage fast = Pixels.rgbImage(11, 6, rgb);
        BufferedImage reference = new BufferedImage(11, 6, BufferedImage.TYPE_INT_RGB);
        reference.setRGB(0, 0, 11, 6, rgb, 0, 11);
        assertArrayEquals(reference.getRGB(0, 0, 11, 6, null, 0, 11), fast.getRGB(0, 0, 11, 6, null, 0, 11));
        assertArrayEquals(reference.getRaster().getPixels(0, 0, 11, 6, (int[]) null),
                fast.getRaster().getPixels(0, 0, 11, 6, (int[]) null));
    }
}
