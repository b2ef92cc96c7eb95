package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class OverlayTest {

    private static BufferedImage onePixel(int rgb) {
        return Pixels.rgbImage(1, 1, new int[] {rgb});
    }

    private static int[] levels(BufferedImage image) {
        int[] rgb = Pixels.rgb(image);
        int[] out = new int[3 * rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[3 * i] = (rgb[i] >> 16) & 0xFF;
            out[3 * i + 1] = (rgb[i] >> 8) & 0xFF;
            out[3 * i + 2] = rgb[i] & 0xFF;
        }
        return out;
    }

    @Test
    void onePixelByHand() {
        // Image (200, 100, 50), heat 1 -> jet (128, 0, 0). Blend 0.5 * heat + 0.5 * image = (164, 50, 25) / 255;
        // renormalised by its max 164/255: (1, 50/164, 25/164) -> (int)(255 * .) = (255, 77, 38).
        BufferedImage out = Overlay.defaults().apply(onePixel(0xC86432), FloatTensor.of(Shape.of(1, 1), 1f));
        assertArrayEquals(new int[] {255, 77, 38}, levels(out));
        // Without renormalising: (int)(255 * (164, 50, 25) / 255) = (164, 50, 25).
        BufferedImage plain = Overlay.defaults().withRenormalise(false)
                .apply(onePixel(0xC86432), FloatTensor.of(Shape.of(1, 1), 1f));
        assertArrayEquals(new int[] {164, 50, 25}, levels(plain));
    }

    @Test
    void matchesShowCamOnImage() {
        // pytorch-grad-cam's show_cam_on_image(np.float32(rgb) / 255, mask, use_rgb=True, colormap, image_weight),
        // its code run with OpenCV 4.6 / NumPy 1.24 on this 2x3 image and mask, gave the expected bytes below.
        BufferedImage image = Pixels.rgbImage(3, 2, new int[] {
            0xC86432, 0x000000, 0xFFFFFF,
            0x0A141E, 0x5AB42D, 0x804020});
        FloatTensor mask = FloatTensor.of(Shape.of(2, 3), 0f, 0.25f, 0.5f, 0.75f, 0.999f, 1f);
        // image_weight 0.5, COLORMAP_JET
        assertArrayEquals(new int[] {100, 50, 89, 0, 62, 127, 190, 255, 192, 132, 74, 15, 111, 90, 22, 128, 32, 16},
                levels(Overlay.defaults().apply(image, mask)));
        // image_weight 0.7 (alpha 0.3), COLORMAP_VIRIDIS
        Overlay viridis = new Overlay(Colormaps.viridis(), 0.3, true);
        assertArrayEquals(new int[] {184, 80, 69, 20, 27, 47, 216, 255, 253, 39, 85, 58, 159, 224, 48, 190, 131, 38},
                levels(viridis.apply(image, mask)));
    }

    @Test
    void followsTheDocumentedFormulaOnRandomImages() {
        // Reference: the class comment's formula, pixel by pixel in float, straight from the colormap and the image.
        java.util.Random random = new java.util.Random(9);
        int w = 37;
        int h = 23;
        int[] rgb = new int[w * h];
        float[] heat = new float[w * h];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = random.nextInt(1 << 24);
            heat[i] = random.nextFloat();
        }
        BufferedImage image = Pixels.rgbImage(w, h, rgb);
        FloatTensor map = FloatTensor.of(Shape.of(h, w), heat);
        for (Overlay overlay : new Overlay[] {Overlay.defaults(), new Overlay(Colormaps.viridis(), 0.3, true),
            new Overlay(Colormaps.turbo(), 0.8, false), new Overlay(Colormaps.gray(), 1, true)}) {
            float heatWeight = (float) overlay.alpha();
            float imageWeight = (float) (1 - overlay.alpha());
            float[] blend = new float[3 * rgb.length];
            float max = 0;
            for (int i = 0; i < rgb.length; i++) {
                int c = overlay.colormap().rgb(heat[i]);
                for (int k = 0; k < 3; k++) {
                    int shift = 16 - 8 * k;
                    blend[3 * i + k] = heatWeight * (((c >> shift) & 0xFF) / 255f)
                            + imageWeight * (((rgb[i] >> shift) & 0xFF) / 255f);
                    max = Math.max(max, blend[3 * i + k]);
                }
            }
            int[] expected = new int[blend.length];
            for (int j = 0; j < blend.length; j++) {
                float v = overlay.renormalise() && max > 0 ? blend[j] / max : blend[j];
                expected[j] = Math.min(255, Math.max(0, (int) (255f * v)));
            }
            assertArrayEquals(expected, levels(overlay.apply(image, map)), overlay.toString());
        }
    }

    @Test
    void alphaZeroWithoutRenormalisingKeepsTheImage() {
        BufferedImage image = ImagesTest.fourPixels();
        BufferedImage out = new Overlay(Colormaps.turbo(), 0, false)
                .apply(image, FloatTensor.of(Shape.of(2, 2), 0.1f, 0.2f, 0.3f, 0.4f));
        assertArrayEquals(Pixels.rgb(image), Pixels.rgb(out));
    }

    @Test
    void resizesTheHeatmapToTheImage() {
        BufferedImage image = ImagesTest.fourPixels();
        BufferedImage fromSmall = Overlay.defaults().apply(image, FloatTensor.of(Shape.of(1, 1, 1, 1), 0.6f));
        BufferedImage fromFull = Overlay.defaults().apply(image, FloatTensor.full(Shape.of(2, 2), 0.6f));
        assertArrayEquals(Pixels.rgb(fromFull), Pixels.rgb(fromSmall));
    }

    @Test
    void acceptsAnImageTensor() {
        BufferedImage image = ImagesTest.fourPixels();
        FloatTensor heat = FloatTensor.of(Shape.of(2, 2), 0f, 0.3f, 0.6f, 1f);
        FloatTensor input = Images.toTensor(image, Preprocessing.imagenet());
        assertArrayEquals(Pixels.rgb(Overlay.defaults().apply(image, heat)),
                Pixels.rgb(Overlay.defaults().apply(input, Preprocessing.imagenet(), heat)));
    }

    @Test
    void rejectsBadArguments() {
        assertThrows(InvalidArgumentException.class, () -> Overlay.defaults().withAlpha(1.5));
        assertThrows(InvalidArgumentException.class, () -> Overlay.defaults().withAlpha(Double.NaN));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Overlay.defaults().apply(onePixel(0), FloatTensor.zeros(Shape.of(2, 2, 2))));
        assertEquals("expected a non-empty 2-D heatmap [H, W] (leading axes of size 1 allowed), got [2, 2, 2]",
                e.getMessage());
    }
}
