package dev.gradcam.cli.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class DemoImagesTest {

    @Test
    void textLineHasTheClassifierSizeAndInk() {
        BufferedImage up = DemoImages.upright();
        assertEquals(DemoImages.LINE_WIDTH, up.getWidth());
        assertEquals(DemoImages.LINE_HEIGHT, up.getHeight());
        double ink = darkFraction(up);
        assertTrue(ink > 0.08 && ink < 0.6, "text covers a fair part of the line: " + ink);
    }

    @Test
    void renderingIsDeterministic() {
        assertArrayEquals(pixels(DemoImages.upright()), pixels(DemoImages.upright()));
        assertArrayEquals(pixels(DemoImages.page(384, 192, false)), pixels(DemoImages.page(384, 192, false)));
    }

    @Test
    void upsideDownIsTheUprightLineTurnedByHalfATurn() {
        int[] up = pixels(DemoImages.upright());
        int[] down = pixels(DemoImages.upsideDown());
        int n = up.length;
        int differ = 0;
        for (int i = 0; i < n; i++) {
            int a = up[i] & 0xFF;
            int b = down[n - 1 - i] & 0xFF;
            differ += Math.abs(a - b) > 48 ? 1 : 0;
        }
        assertTrue(differ < n / 50, "rotation matches up to antialiasing: " + differ + " of " + n);
        assertTrue(!java.util.Arrays.equals(up, down), "but the images differ");
    }

    @Test
    void pageHasTextOnTheLeftAndAPictureOnTheRight() {
        BufferedImage page = DemoImages.page(384, 192, false);
        assertEquals(384, page.getWidth());
        assertEquals(192, page.getHeight());
        assertTrue(darkFraction(page.getSubimage(0, 0, 200, 192)) > 0.05);
        int rgb = page.getRGB(300, 60);
        assertTrue(((rgb >> 16) & 0xFF) != ((rgb) & 0xFF), "the picture block is coloured");
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> DemoImages.textLine(" ", 10, 10, false));
        assertThrows(IllegalArgumentException.class, () -> DemoImages.textLine("a", 0, 10, false));
        assertThrows(IllegalArgumentException.class, () -> DemoImages.page(64, 64, false));
    }

    static double darkFraction(BufferedImage image) {
        int dark = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                dark += (image.getRGB(x, y) & 0xFF) < 128 ? 1 : 0;
            }
        }
        return dark / (double) (image.getWidth() * image.getHeight());
    }

    static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
