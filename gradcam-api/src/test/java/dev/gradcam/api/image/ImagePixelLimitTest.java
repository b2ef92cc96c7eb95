package dev.gradcam.api.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images are measured from their header before decoding: a tiny file declaring 10000 x 10000 pixels is refused
 * without allocating them (the review saw 3.9 GB and an OutOfMemoryError).
 */
class ImagePixelLimitTest {

    /** A PNG of only a signature and an IHDR chunk declaring {@code width x height} 8-bit RGB pixels. */
    private static byte[] pngHeader(int width, int height) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(b);
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        ByteArrayOutputStream chunk = new ByteArrayOutputStream();
        DataOutputStream c = new DataOutputStream(chunk);
        c.write("IHDR".getBytes(StandardCharsets.US_ASCII));
        c.writeInt(width);
        c.writeInt(height);
        c.write(new byte[] {8, 2, 0, 0, 0});
        byte[] data = chunk.toByteArray();
        out.writeInt(data.length - 4);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(data);
        out.writeInt((int) crc.getValue());
        return b.toByteArray();
    }

    @Test
    void aHugeDeclaredImageIsRefusedBeforeDecoding(@TempDir Path dir) throws IOException {
        Path file = Files.write(dir.resolve("huge.png"), pngHeader(10_000, 10_000));
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Images.read(file));
        assertTrue(e.getMessage().contains("10000 x 10000 = 100000000 pixels, above the limit of 50000000"),
                e.getMessage());
    }

    @Test
    void theLimitIsConfigurable(@TempDir Path dir) {
        Path file = dir.resolve("small.png");
        PngWriter.write(new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB), file);
        assertEquals(8, Images.read(file).getWidth());
        assertThrows(InvalidInputException.class, () -> Images.read(file, 47));
        assertEquals(6, Images.read(file, 48).getHeight());
    }
}
