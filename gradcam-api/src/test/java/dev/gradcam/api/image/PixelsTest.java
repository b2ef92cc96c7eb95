package dev.gradcam.api.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

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

    @Test
    void roundToLevelIsMathRoundClamped() {
        // Reference: Math.round (half up), clamped to 0..255, NaN 0; at every half level, its neighbours one ulp
        // away, and a million random values.
        for (int k = 0; k <= 256; k++) {
            for (float v : new float[] {k, k + 0.5f, Math.nextUp(k + 0.5f), Math.nextDown(k + 0.5f), Math.nextDown(k),
                Math.nextUp((float) k)}) {
                assertEquals(Math.max(0, Math.min(255, Math.round(v))), Pixels.roundToLevel(v), "value " + v);
            }
        }
        Random random = new Random(5);
        for (int i = 0; i < 1_000_000; i++) {
            float v = random.nextFloat() * 300 - 20;
            assertEquals(Math.max(0, Math.min(255, Math.round(v))), Pixels.roundToLevel(v), "value " + v);
        }
        assertEquals(0, Pixels.roundToLevel(Float.NaN));
        assertEquals(0, Pixels.roundToLevel(-0f));
        assertEquals(255, Pixels.roundToLevel(Float.POSITIVE_INFINITY));
    }
}
