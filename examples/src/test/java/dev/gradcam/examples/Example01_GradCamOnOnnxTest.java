package dev.gradcam.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explanation;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.cli.demo.DemoImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Example01_GradCamOnOnnxTest {

    @TempDir
    Path dir;

    @Test
    void explainsOrientationAndPeaksOnTheText() throws Exception {
        // A short word leaves blank paper left and right of it.
        BufferedImage up = DemoImages.textLine("Grad", DemoImages.LINE_WIDTH, DemoImages.LINE_HEIGHT, false);
        BufferedImage down = DemoImages.textLine("Grad", DemoImages.LINE_WIDTH, DemoImages.LINE_HEIGHT, true);
        Explanation e = Example01_GradCamOnOnnx.run(List.of(up, down), dir);

        assertTrue(Files.size(dir.resolve("gradcam-0.png")) > 0);
        assertTrue(Files.size(dir.resolve("gradcam-1.png")) > 0);
        assertEquals(Shape.of(2, 48, 192), e.heatmaps().shape());
        assertEquals(Shape.of(2, 2, 96), e.rawMaps().shape());
        assertTrue(e.heatmaps().allFinite() && e.rawMaps().allFinite());
        assertEquals(0, e.targetClass(0), "upright text is class 0 (0 degrees)");
        assertEquals(1, e.targetClass(1), "upside-down text is class 1 (180 degrees)");

        boolean[] ink = inkColumns(up);
        double onText = meanOver(e.heatmap(0), ink, true);
        double offText = meanOver(e.heatmap(0), ink, false);
        assertTrue(onText > 1.5 * offText, "heat on the word's columns " + onText + " vs blank columns " + offText);
    }

    /** Columns with any dark pixel. */
    static boolean[] inkColumns(BufferedImage image) {
        boolean[] ink = new boolean[image.getWidth()];
        for (int x = 0; x < image.getWidth(); x++) {
            for (int y = 0; y < image.getHeight(); y++) {
                ink[x] |= (image.getRGB(x, y) & 0xFF) < 128;
            }
        }
        return ink;
    }

    static double meanOver(FloatTensor heatmap, boolean[] columns, boolean wanted) {
        int h = heatmap.shape().intDim(0);
        int w = heatmap.shape().intDim(1);
        double sum = 0;
        int n = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                if (columns[x] == wanted) {
                    sum += heatmap.get(y, x);
                    n++;
                }
            }
        }
        return sum / n;
    }
}
