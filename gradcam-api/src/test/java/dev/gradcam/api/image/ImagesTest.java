package dev.gradcam.api.image;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImagesTest {

    /**
     * A 2x2 RGB image: (x=0,y=0) red, (1,0) green, (0,1) blue, (1,1) = (51, 102, 153).
     */
    static BufferedImage fourPixels() {
        BufferedImage image = new BufferedImage(2, 2, BufferedImage.TYPE_INT_RGB);
        image.setRGB(0, 0, 0xFF0000);
        image.setRGB(1, 0, 0x00FF00);
        image.setRGB(0, 1, 0x0000FF);
        image.setRGB(1, 1, 0x336699);
        return image;
    }

    private static Path fourPixelPng(Path dir) {
        Path file = dir.resolve("four.png");
        Images.writePng(fourPixels(), file);
        return file;
    }

    @Test
    void rawPresetGivesPixelValues(@TempDir Path dir) {
        FloatTensor t = Images.load(fourPixelPng(dir), Preprocessing.raw());
        assertEquals(Shape.of(1, 3, 2, 2), t.shape());
        // NCHW: R plane, G plane, B plane; each row-major (0,0), (1,0), (0,1), (1,1).
        assertArrayEquals(new float[] {255, 0, 0, 51, 0, 255, 0, 102, 0, 0, 255, 153}, t.toArray());
    }

    @Test
    void zeroToOnePresetDividesBy255(@TempDir Path dir) {
        FloatTensor t = Images.load(fourPixelPng(dir), Preprocessing.zeroToOne());
        assertArrayEquals(new float[] {1, 0, 0, 51 / 255f, 0, 1, 0, 102 / 255f, 0, 0, 1, 153 / 255f}, t.toArray());
        assertEquals(0.2f, t.get(0, 0, 1, 1));
    }

    @Test
    void minusOneToOnePreset(@TempDir Path dir) {
        FloatTensor t = Images.load(fourPixelPng(dir), Preprocessing.minusOneToOne());
        // Expected values: torch (1.13.1) float32, (x / 255 - 0.5) / 0.5.
        assertArrayEquals(new float[] {1, -1, -1, -0.6000000238418579f, -1, 1, -1, -0.19999998807907104f,
                -1, -1, 1, 0.20000004768371582f}, t.toArray());
    }

    @Test
    void imagenetPresetMatchesTorchvisionExactly(@TempDir Path dir) {
        FloatTensor t = Images.load(fourPixelPng(dir), Preprocessing.imagenet());
        // Expected values: torch 1.13.1, img.float().div(255), then (t - mean) / std with float32 mean
        // [0.485, 0.456, 0.406] and std [0.229, 0.224, 0.225] (torchvision ToTensor + Normalize).
        float[] torch = {
            2.248908281326294f, -2.1179039478302f, -2.1179039478302f, -1.2445416450500488f,
            -2.0357141494750977f, 2.4285714626312256f, -2.0357141494750977f, -0.2499999701976776f,
            -1.804444432258606f, -1.804444432258606f, 2.640000104904175f, 0.8622223734855652f};
        assertArrayEquals(torch, t.toArray());
    }

    @Test
    void customMeanAndStd() {
        Preprocessing p = Preprocessing.builder().divideBy(1f).mean(100f, 50f, 0f).std(2f, 5f, 1f).build();
        FloatTensor t = Images.toTensor(fourPixels(), p);
        // R: (255-100)/2, (0-100)/2, ..., (51-100)/2; G: (x-50)/5; B: x.
        assertArrayEquals(new float[] {77.5f, -50f, -50f, -24.5f, -10f, 41f, -10f, 10.4f, 0, 0, 255, 153},
                t.toArray());
    }

    @Test
    void bgrSwapsChannelsButKeepsMeansWithTheirColour() {
        FloatTensor rgb = Images.toTensor(fourPixels(), Preprocessing.imagenet());
        FloatTensor bgr = Images.toTensor(fourPixels(), Preprocessing.imagenet().withChannelOrder(ChannelOrder.BGR));
        for (int c = 0; c < 3; c++) {
            for (int i = 0; i < 4; i++) {
                assertEquals(rgb.getFlat(c * 4 + i), bgr.getFlat((2 - c) * 4 + i));
            }
        }
        assertArrayEquals(new float[] {0, 0, 255, 153}, Images.toTensor(fourPixels(),
                Preprocessing.raw().withChannelOrder(ChannelOrder.BGR)).slice(0).slice(0).toArray());
    }

    @Test
    void nhwcLayoutInterleavesChannels() {
        FloatTensor t = Images.toTensor(fourPixels(), Preprocessing.raw().withLayout(TensorLayout.NHWC));
        assertEquals(Shape.of(1, 2, 2, 3), t.shape());
        assertArrayEquals(new float[] {255, 0, 0, 0, 255, 0, 0, 0, 255, 51, 102, 153}, t.toArray());
        FloatTensor bgr = Images.toTensor(fourPixels(), Preprocessing.builder().layout(TensorLayout.NHWC)
                .channelOrder(ChannelOrder.BGR).build());
        assertArrayEquals(new float[] {0, 0, 255, 0, 255, 0, 255, 0, 0, 153, 102, 51}, bgr.toArray());
    }

    @Test
    void resizesBilinearlyWithHalfPixelCentres() {
        BufferedImage grey = Pixels.grayImage(2, 2, new int[] {0, 100, 200, 40});
        Preprocessing p = Preprocessing.builder().grayscale(true).resize(4, 4).build();
        FloatTensor t = Images.toTensor(grey, p);
        assertEquals(Shape.of(1, 1, 4, 4), t.shape());
        // Hand-derived: 2 -> 4 samples at s = (d + 0.5) / 2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped
        // to the last pixel), so rows [0, 100] -> [0, 25, 75, 100] and [200, 40] -> [200, 160, 80, 40]; columns mix
        // them with weights 1, 0.75/0.25, 0.25/0.75, 0/1.
        assertArrayEquals(new float[] {
            0, 25, 75, 100,
            50, 58.75f, 76.25f, 85,
            150, 126.25f, 78.75f, 55,
            200, 160, 80, 40}, t.toArray(), 1e-5f);
    }

    @Test
    void resizesShorterSideThenCropsTheCentre() {
        BufferedImage wide = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        Preprocessing shorter = Preprocessing.builder().resizeShorterSide(4).build();
        assertEquals(Shape.of(1, 3, 4, 8), Images.toTensor(wide, shorter).shape());

        // 5x4 grey ramp, value = 10 * y + x; centre crop 2x2 starts at x = round(1.5) = 2, y = round(1.0) = 1
        // (torchvision CenterCrop, Python's half-to-even rounding).
        int[] levels = new int[20];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 5; x++) {
                levels[y * 5 + x] = 10 * y + x;
            }
        }
        BufferedImage ramp = Pixels.grayImage(5, 4, levels);
        FloatTensor crop = Images.toTensor(ramp, Preprocessing.builder().grayscale(true).centerCrop(2, 2).build());
        assertArrayEquals(new float[] {12, 13, 22, 23}, crop.toArray());

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Images.toTensor(ramp, Preprocessing.builder().centerCrop(6, 2).build()));
        assertTrue(e.getMessage().contains("centre crop 6x2 is larger than the image, 5x4"), e.getMessage());
    }

    @Test
    void greyImagesAreReadWithoutGammaChangesAndReplicated(@TempDir Path dir) {
        Path file = dir.resolve("grey.png");
        Images.writePng(Pixels.grayImage(2, 2, new int[] {0, 128, 200, 255}), file);
        FloatTensor t = Images.load(file, Preprocessing.raw());
        assertArrayEquals(new float[] {0, 128, 200, 255, 0, 128, 200, 255, 0, 128, 200, 255}, t.toArray());
        FloatTensor one = Images.load(file, Preprocessing.zeroToOne().toBuilder().grayscale(true).build());
        assertEquals(Shape.of(1, 1, 2, 2), one.shape());
        assertArrayEquals(new float[] {0, 128 / 255f, 200 / 255f, 1}, one.toArray());
    }

    @Test
    void sixteenBitGreyIsScaledTo255() {
        BufferedImage deep = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        deep.getRaster().setSamples(0, 0, 3, 1, 0, new int[] {0, 32768, 65535});
        FloatTensor t = Images.toTensor(deep, Preprocessing.raw().toBuilder().grayscale(true).build());
        assertArrayEquals(new float[] {0, 32768 * 255f / 65535, 255}, t.toArray(), 1e-4f);
    }

    @Test
    void colourToGreyUsesPilLuma() {
        FloatTensor t = Images.toTensor(fourPixels(), Preprocessing.builder().grayscale(true).build());
        // PIL 9.4: Image.fromarray(pixels).convert("L") gives [[76, 150], [29, 93]].
        assertArrayEquals(new float[] {76, 150, 29, 93}, t.toArray());
    }

    @Test
    void alphaIsDropped(@TempDir Path dir) {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00_10_20_30); // fully transparent, colour kept
        argb.setRGB(1, 0, 0x80_FF_80_00);
        Path file = dir.resolve("alpha.png");
        Images.writePng(argb, file);
        FloatTensor t = Images.load(file, Preprocessing.raw());
        assertArrayEquals(new float[] {0x10, 0xFF, 0x20, 0x80, 0x30, 0x00}, t.toArray());
    }

    @Test
    void loadsJpeg(@TempDir Path dir) throws IOException {
        BufferedImage solid = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                solid.setRGB(x, y, 0xC86432); // (200, 100, 50)
            }
        }
        Path file = dir.resolve("solid.jpg");
        assertTrue(ImageIO.write(solid, "jpeg", file.toFile()));
        FloatTensor t = Images.load(file, Preprocessing.raw());
        assertEquals(Shape.of(1, 3, 8, 8), t.shape());
        assertEquals(200, t.get(0, 0, 3, 3), 4);
        assertEquals(100, t.get(0, 1, 3, 3), 4);
        assertEquals(50, t.get(0, 2, 3, 3), 4);
    }

    @Test
    void loadsManyFilesIntoOneBatch(@TempDir Path dir) {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        Images.writePng(fourPixels(), a);
        Images.writePng(Pixels.grayImage(2, 2, new int[] {1, 2, 3, 4}), b);
        FloatTensor batch = Images.load(List.of(a, b), Preprocessing.raw());
        assertEquals(Shape.of(2, 3, 2, 2), batch.shape());
        assertEquals(Images.load(a, Preprocessing.raw()).slice(0), batch.slice(0));
        assertArrayEquals(new float[] {1, 2, 3, 4}, batch.slice(1).slice(2).toArray());
    }

    @Test
    void batchOfDifferentSizesIsAClearError(@TempDir Path dir) {
        Path a = dir.resolve("a.png");
        Path b = dir.resolve("b.png");
        Images.writePng(fourPixels(), a);
        Images.writePng(new BufferedImage(3, 5, BufferedImage.TYPE_INT_RGB), b);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Images.load(List.of(a, b), Preprocessing.raw()));
        assertTrue(e.getMessage().contains(a + " gives 2x2"), e.getMessage());
        assertTrue(e.getMessage().contains(b + " gives 3x5"), e.getMessage());
        assertTrue(e.getMessage().contains("withSize"), e.getMessage());
        // With a target size they stack.
        assertEquals(Shape.of(2, 3, 4, 4), Images.load(List.of(a, b), Preprocessing.raw().withSize(4, 4)).shape());
        assertThrows(InvalidInputException.class, () -> Images.toTensor(List.of(), Preprocessing.raw()));
    }

    @Test
    void missingAndUndecodableFilesNameThePath(@TempDir Path dir) throws IOException {
        Path missing = dir.resolve("missing.png");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Images.read(missing));
        assertTrue(e.getMessage().contains("no such image file"), e.getMessage());
        assertTrue(e.getMessage().contains(missing.toAbsolutePath().toString()), e.getMessage());

        Path text = Files.writeString(dir.resolve("notes.png"), "not an image");
        ModelLoadException bad = assertThrows(ModelLoadException.class,
                () -> Images.load(text, Preprocessing.imagenet()));
        assertTrue(bad.getMessage().contains(text.toAbsolutePath().toString()), bad.getMessage());
        assertTrue(bad.getMessage().contains("png"), bad.getMessage());
    }

    @Test
    void tensorBackToImageUndoesNormalisationAndChannelOrder() {
        BufferedImage image = fourPixels();
        for (Preprocessing p : List.of(Preprocessing.imagenet(), Preprocessing.minusOneToOne(),
                Preprocessing.zeroToOne().withChannelOrder(ChannelOrder.BGR).withLayout(TensorLayout.NHWC),
                Preprocessing.raw())) {
            BufferedImage back = Images.toImage(Images.toTensor(image, p), p);
            assertArrayEquals(Pixels.rgb(image), Pixels.rgb(back), p.toString());
        }
        // Rank 3 works too, and a batch gives a list.
        FloatTensor t = Images.toTensor(List.of(image, image), Preprocessing.imagenet());
        assertEquals(2, Images.toImages(t, Preprocessing.imagenet()).size());
        assertArrayEquals(Pixels.rgb(image), Pixels.rgb(Images.toImage(t.slice(1), Preprocessing.imagenet())));
    }

    @Test
    void tensorBackToImageClampsAndRounds() {
        FloatTensor t = FloatTensor.of(Shape.of(1, 3, 1, 1), 1.2f, 0.5f, -0.1f);
        BufferedImage image = Images.toImage(t, Preprocessing.zeroToOne());
        // 1.2 -> 306 -> 255; 0.5 -> 127.5 -> 128 (rounded); -0.1 -> 0.
        assertEquals(0xFF8000, image.getRGB(0, 0) & 0xFFFFFF);

        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Images.toImage(FloatTensor.zeros(Shape.of(2, 3, 4, 4)), Preprocessing.imagenet()));
        assertTrue(e.getMessage().contains("expected one image"), e.getMessage());
        InvalidInputException layout = assertThrows(InvalidInputException.class,
                () -> Images.toImage(FloatTensor.zeros(Shape.of(1, 4, 4, 3)), Preprocessing.imagenet()));
        assertTrue(layout.getMessage().contains("has 4 channels"), layout.getMessage());
    }

    @Test
    void greyTensorBecomesGreyImage() {
        FloatTensor t = FloatTensor.of(Shape.of(1, 1, 1, 2), 0f, 1f);
        BufferedImage image = Images.toImage(t, Preprocessing.zeroToOne().toBuilder().grayscale(true).build());
        assertEquals(BufferedImage.TYPE_BYTE_GRAY, image.getType());
        assertArrayEquals(new int[] {0, 255}, image.getRaster().getSamples(0, 0, 2, 1, 0, new int[2]));
    }

    @Test
    void encodedBytesDecodeToTheSamePixelsAsTheFile(@TempDir Path dir) throws IOException {
        Path png = fourPixelPng(dir);
        BufferedImage fromBytes = Images.read(Files.readAllBytes(png), png.toString());
        assertArrayEquals(Pixels.rgb(Images.read(png)), Pixels.rgb(fromBytes));

        ModelLoadException bad = assertThrows(ModelLoadException.class,
                () -> Images.read(new byte[] {1, 2, 3}, "row 7"));
        assertTrue(bad.getMessage().contains("row 7 (3 bytes)") && bad.getMessage().contains("png"),
                bad.getMessage());
    }
}
