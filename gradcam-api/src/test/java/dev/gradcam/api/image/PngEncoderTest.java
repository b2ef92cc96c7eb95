package dev.gradcam.api.image;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link PngEncoder} against two references: ImageIO's PNG reader (the decoded pixels, colour type and alpha equal
 * those of ImageIO's own encoding) and a decoder written from the PNG specification here (chunk CRCs, the zlib
 * stream, the Up filter undone by hand).
 */
class PngEncoderTest {

    private static final int[] FAST_TYPES = {BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB,
        BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_4BYTE_ABGR, BufferedImage.TYPE_BYTE_GRAY};

    /** Random pixels (with random alpha where the type has it): nothing for the encoder to exploit. */
    private static BufferedImage noise(int type, int w, int h, long seed) {
        BufferedImage image = new BufferedImage(w, h, type);
        Random random = new Random(seed);
        if (type == BufferedImage.TYPE_BYTE_GRAY) {
            int[] levels = new int[w * h];
            for (int i = 0; i < levels.length; i++) {
                levels[i] = random.nextInt(256);
            }
            image.getRaster().setSamples(0, 0, w, h, 0, levels);
        } else {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    image.setRGB(x, y, random.nextInt());
                }
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(PngEncoder.encode(image, out), "type " + image.getType() + " has a fast path");
        return out.toByteArray();
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    private static int[] samples(BufferedImage image) {
        int bands = image.getRaster().getNumBands();
        return image.getRaster().getPixels(0, 0, image.getWidth(), image.getHeight(),
                new int[image.getWidth() * image.getHeight() * bands]);
    }

    @Test
    void decodesLikeImageIosOwnEncodingForEveryFastType() throws IOException {
        for (int type : FAST_TYPES) {
            BufferedImage image = noise(type, 37, 23, type);
            BufferedImage ours = decode(encode(image));
            ByteArrayOutputStream reference = new ByteArrayOutputStream();
            assertTrue(ImageIO.write(image, "png", reference));
            BufferedImage theirs = decode(reference.toByteArray());
            String what = "type " + type;
            assertEquals(theirs.getColorModel().getNumComponents(), ours.getColorModel().getNumComponents(), what);
            assertEquals(theirs.getColorModel().hasAlpha(), ours.getColorModel().hasAlpha(), what);
            assertEquals(theirs.getColorModel().getColorSpace().getType(),
                    ours.getColorModel().getColorSpace().getType(), what);
            assertArrayEquals(samples(theirs), samples(ours), what);
            if (type != BufferedImage.TYPE_BYTE_GRAY) {
                assertArrayEquals(image.getRGB(0, 0, 37, 23, null, 0, 37), ours.getRGB(0, 0, 37, 23, null, 0, 37),
                        what);
            }
        }
    }

    @Test
    void writesValidChunksAndUpFilteredRowsPerTheSpecification() throws IOException, DataFormatException {
        // 300x250 noise deflates to more than the encoder's 64 KiB buffer: the output loops run several times.
        BufferedImage image = noise(BufferedImage.TYPE_INT_RGB, 300, 250, 11);
        byte[] png = encode(image);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(png));
        byte[] signature = new byte[8];
        in.readFully(signature);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, signature);
        List<String> names = new ArrayList<>();
        byte[] ihdr = null;
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        while (in.available() > 0) {
            int length = in.readInt();
            byte[] name = new byte[4];
            in.readFully(name);
            byte[] data = new byte[length];
            in.readFully(data);
            CRC32 crc = new CRC32();
            crc.update(name);
            crc.update(data);
            String chunk = new String(name, StandardCharsets.US_ASCII);
            assertEquals((int) crc.getValue(), in.readInt(), "CRC of " + chunk);
            names.add(chunk);
            if (chunk.equals("IHDR")) {
                ihdr = data;
            } else if (chunk.equals("IDAT")) {
                idat.write(data);
            }
        }
        assertEquals(List.of("IHDR", "IDAT", "IEND"), names);
        // width 300, height 250, bit depth 8, colour type 2 (RGB), compression, filter and interlace 0
        assertArrayEquals(new byte[] {0, 0, 1, 44, 0, 0, 0, (byte) 250, 8, 2, 0, 0, 0}, ihdr);

        Inflater inflater = new Inflater();
        inflater.setInput(idat.toByteArray());
        int stride = 3 * 300;
        byte[] raw = new byte[250 * (stride + 1)];
        assertEquals(raw.length, inflater.inflate(raw));
        assertTrue(inflater.finished());
        int[] expected = image.getRGB(0, 0, 300, 250, null, 0, 300);
        byte[] previous = new byte[stride];
        for (int y = 0; y < 250; y++) {
            int at = y * (stride + 1);
            assertEquals(2, raw[at], "row " + y + " filter type: Up");
            byte[] row = new byte[stride];
            for (int i = 0; i < stride; i++) {
                row[i] = (byte) (raw[at + 1 + i] + previous[i]);
            }
            for (int x = 0; x < 300; x++) {
                int rgb = (row[3 * x] & 0xFF) << 16 | (row[3 * x + 1] & 0xFF) << 8 | row[3 * x + 2] & 0xFF;
                assertEquals(expected[y * 300 + x] & 0xFF_FFFF, rgb, "pixel " + x + ", " + y);
            }
            previous = row;
        }
    }

    @Test
    void leavesOtherImagesToImageIo(@TempDir Path dir) throws IOException {
        BufferedImage grey16 = new BufferedImage(4, 3, BufferedImage.TYPE_USHORT_GRAY);
        grey16.getRaster().setSamples(0, 0, 4, 3, 0, new int[] {0, 1, 2, 3, 1000, 2000, 3000, 4000, 65535, 7, 8, 9});
        BufferedImage indexed = new BufferedImage(4, 3, BufferedImage.TYPE_BYTE_INDEXED);
        indexed.setRGB(1, 1, 0xFF0000);
        BufferedImage greyView = noise(BufferedImage.TYPE_BYTE_GRAY, 8, 8, 3).getSubimage(2, 1, 4, 5);
        for (BufferedImage image : List.of(grey16, indexed, greyView)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertFalse(PngEncoder.encode(image, out));
            assertEquals(0, out.size(), "nothing written before falling back");
            // PngWriter still writes them, through ImageIO.
            Path file = dir.resolve("image" + image.getType() + ".png");
            PngWriter.write(image, file);
            BufferedImage back = Images.read(file);
            assertEquals(image.getColorModel().getComponentSize(0), back.getColorModel().getComponentSize(0));
            assertArrayEquals(samples(image.getType() == BufferedImage.TYPE_BYTE_INDEXED ? image : copy(image)),
                    samples(image.getType() == BufferedImage.TYPE_BYTE_INDEXED ? back : copy(back)));
        }
    }

    /** A view's pixels in a plain raster of their own. */
    private static BufferedImage copy(BufferedImage image) {
        BufferedImage c = new BufferedImage(image.getWidth(), image.getHeight(), image.getType());
        c.setData(image.getData());
        return c;
    }

    @Test
    void compressesRenderedOverlaysBetterThanImageIo() throws IOException {
        // A smooth heatmap blended onto a smooth picture, as the tool writes them.
        float[] levels = new float[96 * 96];
        for (int i = 0; i < levels.length; i++) {
            levels[i] = (float) (0.5 + 0.5 * Math.sin(i % 96 / 15.0) * Math.cos(i / 96 / 20.0));
        }
        int[] rgb = new int[levels.length];
        for (int i = 0; i < rgb.length; i++) {
            int v = (int) (255 * levels[levels.length - 1 - i]);
            rgb[i] = Pixels.pack(v, v / 2, 255 - v);
        }
        BufferedImage overlay = Overlay.defaults().apply(Pixels.rgbImage(96, 96, rgb),
                FloatTensor.of(Shape.of(96, 96), levels));
        ByteArrayOutputStream reference = new ByteArrayOutputStream();
        ImageIO.write(overlay, "png", reference);
        byte[] ours = encode(overlay);
        assertTrue(ours.length < reference.size(), ours.length + " bytes against ImageIO's " + reference.size());
        assertTrue(Arrays.equals(samples(decode(reference.toByteArray())), samples(decode(ours))));
    }
}
