package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.awt.image.BufferedImage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ColormapTest {

    private static int rgb(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    @Test
    void jetMatchesOpenCv() {
        // OpenCV 4.6 cv2.applyColorMap(levels, cv2.COLORMAP_JET), BGR turned to RGB: level 0 is (0, 0, 128),
        // i.e. jet(0) = (0, 0, 0.5) in OpenCV's float table, and level 255 is (128, 0, 0).
        Colormap jet = Colormaps.jet();
        assertEquals(rgb(0, 0, 128), jet.rgb(0f));
        assertEquals(rgb(0, 0, 255), jet.rgb(32 / 255f));
        assertEquals(rgb(0, 124, 255), jet.rgb(0.25f)); // (int)(255 * 0.25) = 63
        assertEquals(rgb(126, 255, 130), jet.rgb(0.5f)); // level 127
        assertEquals(rgb(130, 255, 126), jet.rgb(128 / 255f));
        assertEquals(rgb(255, 128, 0), jet.rgb(0.75f)); // level 191
        assertEquals(rgb(128, 0, 0), jet.rgb(1f));
    }

    @Test
    void turboMatchesGooglesTable() {
        // Google's turbo_colormap_data (2019): [0] = (0.18995, 0.07176, 0.23217) -> (48, 18, 59),
        // [255] = (0.47960, 0.01583, 0.01055) -> (122, 4, 3). Level 128 from OpenCV 4.6 COLORMAP_TURBO.
        assertEquals(rgb(48, 18, 59), Colormaps.turbo().rgb(0f));
        assertEquals(rgb(164, 252, 60), Colormaps.turbo().rgb(128 / 255f));
        assertEquals(rgb(122, 4, 3), Colormaps.turbo().rgb(1f));
    }

    @Test
    void viridisAndInfernoMatchMatplotlib() {
        // matplotlib _cm_listed.py, rounded to 8 bits: viridis [0] = (0.267004, 0.004874, 0.329415),
        // [128] = (0.127568, 0.566949, 0.550556), [255] = (0.993248, 0.906157, 0.143936);
        // inferno [0] = (0.001462, 0.000466, 0.013866), [128] = (0.735683, 0.215906, 0.330245),
        // [255] = (0.988362, 0.998364, 0.644924).
        assertEquals(rgb(68, 1, 84), Colormaps.viridis().rgb(0f));
        assertEquals(rgb(33, 145, 140), Colormaps.viridis().rgb(128 / 255f));
        assertEquals(rgb(253, 231, 37), Colormaps.viridis().rgb(1f));
        assertEquals(rgb(0, 0, 4), Colormaps.inferno().rgb(0f));
        assertEquals(rgb(188, 55, 84), Colormaps.inferno().rgb(128 / 255f));
        assertEquals(rgb(252, 255, 164), Colormaps.inferno().rgb(1f));
    }

    @Test
    void levelsAreTruncatedLikeNumpyUint8() {
        // np.uint8(np.float32(255) * np.float32(0.999)) == 254
        assertEquals(((TableColormap) Colormaps.jet()).entry(254), Colormaps.jet().rgb(0.999f));
        assertEquals(rgb(127, 127, 127), Colormaps.gray().rgb(0.5f));
        assertEquals(rgb(255, 255, 255), Colormaps.gray().rgb(1f));
    }

    @Test
    void clampsOutOfRangeAndPaintsNanBlack() {
        for (Colormap c : new Colormap[] {Colormaps.jet(), Colormaps.turbo(), Colormaps.viridis(), Colormaps.inferno()}) {
            assertEquals(c.rgb(0f), c.rgb(-3f), c.toString());
            assertEquals(c.rgb(0f), c.rgb(Float.NEGATIVE_INFINITY), c.toString());
            assertEquals(c.rgb(1f), c.rgb(7f), c.toString());
            assertEquals(c.rgb(1f), c.rgb(Float.POSITIVE_INFINITY), c.toString());
            assertEquals(0, c.rgb(Float.NaN), c.toString());
        }
    }

    @Test
    void findsColormapsByName() {
        assertSame(Colormaps.jet(), Colormaps.named("JET"));
        assertSame(Colormaps.viridis(), Colormaps.named(" viridis "));
        assertSame(Colormaps.gray(), Colormaps.named("grey"));
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> Colormaps.named("hot"));
        assertTrue(e.getMessage().contains("unknown colormap 'hot'; known: jet, turbo, viridis, inferno, gray"),
                e.getMessage());
    }

    @Test
    void rendersAMapAndAcceptsLambdas() {
        BufferedImage image = Colormaps.jet().render(FloatTensor.of(Shape.of(1, 1, 2), 0f, 1f));
        assertEquals(2, image.getWidth());
        assertEquals(1, image.getHeight());
        assertEquals(rgb(0, 0, 128), image.getRGB(0, 0) & 0xFFFFFF);
        assertEquals(rgb(128, 0, 0), image.getRGB(1, 0) & 0xFFFFFF);
        Colormap red = v -> Math.round(255 * v) << 16;
        assertEquals(rgb(255, 0, 0), red.render(FloatTensor.of(Shape.of(1, 1), 1f)).getRGB(0, 0) & 0xFFFFFF);
    }
}
