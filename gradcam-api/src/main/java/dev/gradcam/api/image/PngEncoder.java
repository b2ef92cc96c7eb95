package dev.gradcam.api.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A PNG encoder for the image types this library renders: 8-bit RGB, RGBA and grey. It writes what ImageIO writes for
 * them (the same colour type and bit depth, only the IHDR, IDAT and IEND chunks), but about twice as fast and
 * smaller: every row gets the "Up" filter (the difference to the row above) and zlib's fastest level. ImageIO tries
 * all five filters on every row and deflates at level 9; on heatmaps and overlays the Up filter alone compresses as
 * well, and the deflate level is what costs the time (docs/performance.md has the measurements).
 *
 * <p>The container is three chunks around a zlib stream (ISO/IEC 15948), and the JDK brings zlib and CRC-32, so this
 * needs no library; other image types (palettes, 16-bit grey, custom layouts) return {@code false} for ImageIO to
 * write. Stateless and thread-safe.
 */
final class PngEncoder {

    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    private static final int GREY = 0;
    private static final int RGB = 2;
    private static final int RGBA = 6;
    private static final int FILTER_UP = 2;

    private PngEncoder() {
    }

    /**
     * Encodes {@code image} onto {@code out} if its type is one of {@code TYPE_INT_RGB}, {@code TYPE_INT_ARGB},
     * {@code TYPE_3BYTE_BGR}, {@code TYPE_4BYTE_ABGR} or {@code TYPE_BYTE_GRAY}.
     *
     * @return false, having written nothing, for any other image
     */
    static boolean encode(BufferedImage image, OutputStream out) throws IOException {
        int colourType = colourType(image);
        if (colourType < 0) {
            return false;
        }
        int w = image.getWidth();
        int h = image.getHeight();
        byte[] idat = deflate(image, colourType, w, h);
        DataOutputStream d = new DataOutputStream(out);
        d.write(SIGNATURE);
        byte[] ihdr = new byte[13];
        putInt(ihdr, 0, w);
        putInt(ihdr, 4, h);
        ihdr[8] = 8; // bit depth; compression, filter method and interlace stay 0
        ihdr[9] = (byte) colourType;
        chunk(d, "IHDR", ihdr, ihdr.length);
        chunk(d, "IDAT", idat, idat.length);
        chunk(d, "IEND", new byte[0], 0);
        d.flush();
        return true;
    }

    private static int colourType(BufferedImage image) {
        return switch (image.getType()) {
            case BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_3BYTE_BGR -> RGB;
            case BufferedImage.TYPE_INT_ARGB, BufferedImage.TYPE_4BYTE_ABGR -> RGBA;
            case BufferedImage.TYPE_BYTE_GRAY -> greyLayout(image) ? GREY : -1;
            default -> -1;
        };
    }

    /** A plain grey raster (not a sub-image view): its bytes are the rows as PNG stores them. */
    private static boolean greyLayout(BufferedImage image) {
        Raster r = image.getRaster();
        return r.getParent() == null && r.getMinX() == 0 && r.getMinY() == 0
                && r.getDataBuffer() instanceof DataBufferByte db && db.getNumBanks() == 1 && db.getOffset() == 0
                && db.getData().length == image.getWidth() * image.getHeight();
    }

    /** The filtered rows, deflated: the IDAT chunk's data. */
    private static byte[] deflate(BufferedImage image, int colourType, int w, int h) {
        int channels = colourType == GREY ? 1 : colourType == RGB ? 3 : 4;
        int stride = channels * w;
        byte[] row = new byte[stride + 1];
        row[0] = FILTER_UP;
        Deflater deflater = new Deflater(Deflater.BEST_SPEED);
        ByteArrayOutputStream z = new ByteArrayOutputStream(Math.max(64, stride * h / 2));
        byte[] buffer = new byte[1 << 16];
        try {
            if (colourType == GREY) {
                byte[] grey = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
                for (int y = 0; y < h; y++) {
                    int at = y * w;
                    for (int x = 0; x < w; x++) {
                        row[x + 1] = (byte) (grey[at + x] - (y == 0 ? 0 : grey[at + x - w]));
                    }
                    compress(deflater, row, buffer, z);
                }
            } else {
                // Pixels.argb reads the two RGB layouts straight from the raster; getRGB keeps ARGB unpremultiplied.
                int[] argb = colourType == RGB ? Pixels.argb(image) : image.getRGB(0, 0, w, h, null, 0, w);
                for (int y = 0; y < h; y++) {
                    int at = y * w;
                    for (int x = 0, j = 1; x < w; x++) {
                        int p = argb[at + x];
                        int q = y == 0 ? 0 : argb[at + x - w];
                        row[j++] = (byte) ((p >> 16) - (q >> 16));
                        row[j++] = (byte) ((p >> 8) - (q >> 8));
                        row[j++] = (byte) (p - q);
                        if (channels == 4) {
                            row[j++] = (byte) ((p >>> 24) - (q >>> 24));
                        }
                    }
                    compress(deflater, row, buffer, z);
                }
            }
            deflater.finish();
            while (!deflater.finished()) {
                z.write(buffer, 0, deflater.deflate(buffer));
            }
            return z.toByteArray();
        } finally {
            deflater.end();
        }
    }

    private static void compress(Deflater deflater, byte[] row, byte[] buffer, ByteArrayOutputStream z) {
        deflater.setInput(row);
        while (!deflater.needsInput()) {
            z.write(buffer, 0, deflater.deflate(buffer));
        }
    }

    private static void chunk(DataOutputStream out, String type, byte[] data, int length) throws IOException {
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data, 0, length);
        out.writeInt(length);
        out.write(name);
        out.write(data, 0, length);
        out.writeInt((int) crc.getValue());
    }

    private static void putInt(byte[] b, int at, int v) {
        b[at] = (byte) (v >>> 24);
        b[at + 1] = (byte) (v >>> 16);
        b[at + 2] = (byte) (v >>> 8);
        b[at + 3] = (byte) v;
    }
}
