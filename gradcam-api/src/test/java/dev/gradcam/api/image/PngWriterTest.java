package dev.gradcam.api.image;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PNG writing, and the gradient-to-image conversions of {@link GradientImages} it uses. */
class PngWriterTest {

    /** A gradient [3, 1, 2]: R = [-1, 3], G = [1, 0], B = [-1, 1]. */
    private static final FloatTensor GRADIENT = FloatTensor.of(Shape.of(3, 1, 2), -1, 3, 1, 0, -1, 1);

    private static int[] grey(BufferedImage image) {
        return image.getRaster().getSamples(0, 0, image.getWidth(), image.getHeight(), 0,
                new int[image.getWidth() * image.getHeight()]);
    }

    @Test
    void roundTripsColourAndGreyCreatingFolders(@TempDir Path dir) {
        Random random = new Random(7);
        int[] pixels = new int[5 * 3];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextInt(1 << 24);
        }
        Path colour = dir.resolve("x/y/colour.png");
        PngWriter.write(Pixels.rgbImage(5, 3, pixels), colour);
        BufferedImage back = Images.read(colour);
        assertEquals(5, back.getWidth());
        assertArrayEquals(pixels, Pixels.rgb(back));

        Path grey = dir.resolve("z/grey.png");
        Images.writePng(Pixels.grayImage(2, 2, new int[] {0, 1, 254, 255}), grey);
        BufferedImage greyBack = Images.read(grey);
        assertTrue(Pixels.isGray(greyBack));
        assertArrayEquals(new int[] {0, 1, 254, 255}, grey(greyBack));
    }

    @Test
    void encodesToPngBytes() {
        byte[] png = PngWriter.toBytes(ImagesTest.fourPixels());
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, Arrays.copyOf(png, 8));
    }

    @Test
    void writesTensorsAsImages(@TempDir Path dir) {
        FloatTensor input = Images.toTensor(ImagesTest.fourPixels(), Preprocessing.imagenet());
        Path file = dir.resolve("input.png");
        Images.writePng(input, Preprocessing.imagenet(), file);
        assertArrayEquals(Pixels.rgb(ImagesTest.fourPixels()), Pixels.rgb(Images.read(file)));

        Path map = dir.resolve("map.png");
        PngWriter.writeMap(FloatTensor.of(Shape.of(1, 1, 4), 0f, 0.5f, 1f, Float.NaN), map);
        assertArrayEquals(new int[] {0, 127, 255, 0}, grey(Images.read(map)));
    }

    @Test
    void colourGradientIsMinMaxNormalised(@TempDir Path dir) {
        // min -1, max 3: (g + 1) / 4 -> R [0, 1], G [0.5, 0.25], B [0, 0.5] -> (int)(255 * v).
        BufferedImage image = GradientImages.normalized(GRADIENT);
        assertArrayEquals(new int[] {0x007F00, 0xFF3F7F}, Pixels.rgb(image));
        Path file = dir.resolve("grad/colour.png");
        PngWriter.writeGradient(GRADIENT.reshape(Shape.of(1, 3, 1, 2)), file);
        assertArrayEquals(new int[] {0x007F00, 0xFF3F7F}, Pixels.rgb(Images.read(file)));
    }

    @Test
    void signedGradientSplitsIntoPositiveAndNegativeImages(@TempDir Path dir) {
        // positive: max(0, g) / 3 -> R [0, 1], G [1/3, 0], B [0, 1/3]; negative: max(0, -g) / 1 -> R [1, 0],
        // G [0, 0], B [1, 0].
        Path pos = dir.resolve("pos.png");
        Path neg = dir.resolve("neg.png");
        PngWriter.writePositiveNegative(GRADIENT, pos, neg);
        assertArrayEquals(new int[] {0x005500, 0xFF0055}, Pixels.rgb(Images.read(pos)));
        assertArrayEquals(new int[] {0xFF00FF, 0x000000}, Pixels.rgb(Images.read(neg)));
        // A map without negative values gives a black negative image, not a division by zero.
        FloatTensor positiveOnly = FloatTensor.of(Shape.of(1, 2), 0f, 2f);
        assertArrayEquals(new int[] {0, 0}, grey(GradientImages.negative(positiveOnly)));
        assertArrayEquals(new int[] {0, 255}, grey(GradientImages.positive(positiveOnly)));
    }

    @Test
    void greyscaleGradientClipsAtThe99thPercentile() {
        // Sum of |g| over channels: [0, 1, 2, 3, 4] (channel 2 adds nothing); NumPy's 99th percentile of that is
        // 3 + 0.96 = 3.96, min 0; clip(s / 3.96, 0, 1) -> 0, 0.2525, 0.5051, 0.7576, 1 -> 0, 64, 128, 193, 255.
        FloatTensor g = FloatTensor.of(Shape.of(2, 1, 5), 0, -1, 1, -3, 4, 0, 0, 1, 0, 0);
        assertArrayEquals(new int[] {0, 64, 128, 193, 255}, grey(GradientImages.grayscale(g)));
    }

    @Test
    void constantGradientIsBlack() {
        assertArrayEquals(new int[] {0, 0, 0}, grey(GradientImages.normalized(FloatTensor.full(Shape.of(1, 3), 2f))));
    }

    @Test
    void errorsNameTheProblem(@TempDir Path dir) throws IOException {
        InvalidInputException shape = assertThrows(InvalidInputException.class,
                () -> GradientImages.normalized(FloatTensor.zeros(Shape.of(2, 4, 4))));
        assertTrue(shape.getMessage().contains("got [2, 4, 4]"), shape.getMessage());

        Path file = Files.writeString(dir.resolve("file"), "x");
        GradCamException e = assertThrows(GradCamException.class,
                () -> PngWriter.write(ImagesTest.fourPixels(), file.resolve("inside.png")));
        assertTrue(e.getMessage().contains("cannot write PNG file"), e.getMessage());
        assertTrue(e.getMessage().contains("inside.png"), e.getMessage());
    }
}
