package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.image.GradientImages;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.InMemoryCnn;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pictures of pytorch-cnn-visualizations, as tensors, checked by hand and against the image helper's PNGs. */
class SaliencyMapsTest {

    private static final FloatTensor G = FloatTensor.of(Shape.of(2, 1, 2), -2, 1, 4, 0);

    @Test
    void colourIsMinMaxOverAllChannels() {
        assertArrayEquals(new float[] {0, 0.5f, 1, 1 / 3f}, SaliencyMaps.colour(G).toArray(), 1e-7f);
    }

    @Test
    void positiveAndNegativeDivideByTheirOwnExtremes() {
        assertArrayEquals(new float[] {0, 0.25f, 1, 0}, SaliencyMaps.positive(G).toArray(), 1e-7f);
        assertArrayEquals(new float[] {1, 0, 0, 0}, SaliencyMaps.negative(G).toArray(), 1e-7f);
    }

    @Test
    void grayscaleSumsMagnitudesAndClipsAtThe99thPercentile() {
        // |g| summed over channels: [2 + 4, 1 + 0] = [6, 1]; p99 of [1, 6] = 1 + 0.99 * 5 = 5.95.
        assertArrayEquals(new float[] {1, 0}, SaliencyMaps.grayscale(G).toArray(), 1e-7f);
        FloatTensor three = FloatTensor.of(Shape.of(1, 1, 3), 0, 1, 2);
        // p99 of [0, 1, 2] = 1.98: [0, 1/1.98, 1 (clipped)].
        assertArrayEquals(new float[] {0, 1 / 1.98f, 1}, SaliencyMaps.grayscale(three).toArray(), 1e-6f);
    }

    @Test
    void batchesAreConvertedImageByImage() {
        FloatTensor batch = FloatTensor.concat(java.util.List.of(G.reshape(Shape.of(1, 2, 1, 2)),
                FloatTensor.full(Shape.of(1, 2, 1, 2), 3f)));
        FloatTensor c = SaliencyMaps.colour(batch);
        assertArrayEquals(new float[] {0, 0.5f, 1, 1 / 3f, 0, 0, 0, 0}, c.toArray(), 1e-7f);
        assertEquals(Shape.of(2, 1, 2), SaliencyMaps.grayscale(batch).shape());
    }

    @Test
    void tensorsAgreeWithTheImageHelpersPixels(@TempDir Path dir) {
        InMemoryCnn model = InMemoryCnn.random(1, 3, 4, 3, 8, 7);
        Attribution a = Saliency.vanilla(model).attribute(model.randomInput(2, 1), Targets.classLogit(0));
        FloatTensor g = a.attribution(0);
        assertLevels(SaliencyMaps.colour(g), GradientImages.normalized(g));
        assertLevels(SaliencyMaps.grayscale(g), GradientImages.grayscale(g));
        assertLevels(SaliencyMaps.positive(g), GradientImages.positive(g));
        assertLevels(SaliencyMaps.negative(g), GradientImages.negative(g));
        SaliencyMaps.writePngs(a, dir, "cnn");
        for (String kind : new String[] {"colour", "gray", "positive", "negative"}) {
            Path p = dir.resolve("cnn_0_" + kind + ".png");
            assertTrue(Files.exists(p), p.toString());
            BufferedImage img = Images.read(p);
            assertEquals(7, img.getWidth());
            assertEquals(8, img.getHeight());
        }
    }

    /** Every sample of {@code image} is {@code (int) (255 * v)} of the tensor (grey, or RGB from channels 0, 1, 2). */
    private static void assertLevels(FloatTensor t, BufferedImage image) {
        int h = image.getHeight();
        int w = image.getWidth();
        boolean colour = t.shape().rank() == 3;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < (colour ? 3 : 1); c++) {
                    float v = colour ? t.get(c, y, x) : t.get(y, x);
                    // The raster, not getRGB: a grey image's getRGB converts to sRGB.
                    int level = image.getRaster().getSample(x, y, c);
                    assertEquals((int) (255 * v), level, 1, "pixel " + x + "," + y + " channel " + c);
                }
            }
        }
    }
}
