package dev.gradcam.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explanation;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.cli.demo.OcrDemo;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Example04_MethodGalleryTest {

    /** Quick methods of each kind: gradient-weighted, element-wise, gradient-free, baseline. The full set takes 30 s. */
    private static final List<String> METHODS = List.of("grad-cam", "hires-cam", "eigen-cam", "random-cam");

    @TempDir
    Path dir;

    @Test
    void drawsMethodsIntoOneGrid() {
        assertTrue(CamMethods.names().containsAll(METHODS));
        Path png = dir.resolve("docs/images/gallery.png");
        Map<String, Explanation> maps = Example04_MethodGallery.run(METHODS, png);
        assertEquals(METHODS, List.copyOf(maps.keySet()));
        for (Explanation e : maps.values()) {
            assertEquals(Shape.of(1, OcrDemo.PAGE_HEIGHT, OcrDemo.PAGE_WIDTH), e.heatmaps().shape());
            assertTrue(e.heatmaps().allFinite(), e.provenance().method());
            assertEquals(e.provenance().method(), e.provenance().method().strip());
        }
        BufferedImage grid = Images.read(png);
        assertTrue(grid.getWidth() >= 4 * OcrDemo.PAGE_WIDTH * 0.75, "four columns: " + grid.getWidth());
        assertTrue(grid.getHeight() >= 2 * OcrDemo.PAGE_HEIGHT * 0.75, "two rows: " + grid.getHeight());
    }
}
