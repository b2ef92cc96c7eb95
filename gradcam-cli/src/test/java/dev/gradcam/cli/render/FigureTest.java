package dev.gradcam.cli.render;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

class FigureTest {

    @Test
    void laysPanelsOutInRowsAndScalesThem() {
        BufferedImage red = filled(20, 10, Color.RED);
        Figure f = Figure.builder().title("Title").subtitle("sub").columns(2).scale(3)
                .panel(red, "a", "1").panel(red, "b", "2").panel(red, "c", "3").build();
        BufferedImage png = f.render();
        assertEquals(3, f.panels().size());
        assertTrue(png.getWidth() >= 2 * 60, "two scaled columns: " + png.getWidth());
        assertTrue(png.getHeight() >= 2 * 30, "two rows: " + png.getHeight());
        int reds = 0;
        for (int y = 0; y < png.getHeight(); y++) {
            for (int x = 0; x < png.getWidth(); x++) {
                reds += png.getRGB(x, y) == Color.RED.getRGB() ? 1 : 0;
            }
        }
        assertTrue(reds >= 3 * 60 * 30 * 0.9, "three 60x30 red panels: " + reds);
    }

    @Test
    void needsAPanelAndSaneSettings() {
        assertThrows(IllegalStateException.class, () -> Figure.builder().build());
        assertThrows(IllegalArgumentException.class, () -> Figure.builder().scale(0));
        assertThrows(IllegalArgumentException.class, () -> Figure.builder().columns(-1));
    }

    static BufferedImage filled(int w, int h, Color c) {
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                image.setRGB(x, y, c.getRGB());
            }
        }
        return image;
    }
}
