package dev.gradcam.api.image;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/**
 * Pixel access between {@link BufferedImage}s and float planes, independent of the image's storage type.
 *
 * <p>Grey images are read from their raster, not through {@code getRGB}, which would apply a linear-to-sRGB
 * conversion and change the values; samples of more than 8 bits are scaled to 0..255. Colour images are read as
 * 8-bit sRGB. Alpha is ignored. Stateless.
 */
final class Pixels {

    private Pixels() {
    }

    /** True if the image stores grey levels (with or without alpha), not colour or a palette. */
    static boolean isGray(BufferedImage image) {
        ColorModel cm = image.getColorModel();
        return !(cm instanceof IndexColorModel) && cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY;
    }

    /**
     * The image as float planes in 0..255: three (R, G, B) or, with {@code gray}, one. Grey images give three equal
     * planes; colour images give one plane of PIL-style luma.
     */
    static float[][] planes(BufferedImage image, boolean gray) {
        int w = image.getWidth();
        int h = image.getHeight();
        int n = w * h;
        if (isGray(image)) {
            float[] g = grayPlane(image);
            return gray ? new float[][] {g} : new float[][] {g, g.clone(), g.clone()};
        }
        int[] argb = argb(image);
        if (gray) {
            float[] g = new float[n];
            for (int i = 0; i < n; i++) {
                int p = argb[i];
                g[i] = luma((p >> 16) & 0xFF, (p >> 8) & 0xFF, p & 0xFF);
            }
            return new float[][] {g};
        }
        float[] r = new float[n];
        float[] gr = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            int p = argb[i];
            r[i] = (p >> 16) & 0xFF;
            gr[i] = (p >> 8) & 0xFF;
            b[i] = p & 0xFF;
        }
        return new float[][] {r, gr, b};
    }

    /** The image as packed 0xRRGGBB pixels (grey replicated, alpha dropped). */
    static int[] rgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        if (isGray(image)) {
            float[] g = grayPlane(image);
            int[] out = new int[g.length];
            for (int i = 0; i < g.length; i++) {
                int v = Math.round(g[i]);
                out[i] = (v << 16) | (v << 8) | v;
            }
            return out;
        }
        int[] argb = argb(image);
        for (int i = 0; i < argb.length; i++) {
            argb[i] &= 0xFF_FFFF;
        }
        return argb;
    }

    /** PIL's {@code convert("L")}: ITU-R 601-2 luma in 16-bit fixed point, rounded. */
    /**
     * The pixels as {@code getRGB(0, 0, w, h, null, 0, w)} returns them ({@code 0xAARRGGBB}), read straight from the
     * raster for the two layouts decoders and this library produce (packed int RGB, and 8-bit BGR as ImageIO
     * decodes PNG and JPEG into), where {@code getRGB} would convert every pixel through the colour model; the same
     * values, a few times faster. Any other layout, or a sub-image view, goes through {@code getRGB}.
     */
    static int[] argb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        WritableRaster raster = image.getRaster();
        if (raster.getParent() == null && raster.getMinX() == 0 && raster.getMinY() == 0) {
            if (image.getType() == BufferedImage.TYPE_INT_RGB
                    && raster.getSampleModel() instanceof SinglePixelPackedSampleModel sm
                    && sm.getScanlineStride() == w && raster.getDataBuffer() instanceof DataBufferInt db
                    && db.getNumBanks() == 1 && db.getOffset() == 0) {
                int[] data = db.getData();
                int[] out = new int[w * h];
                for (int i = 0; i < out.length; i++) {
                    out[i] = 0xFF00_0000 | data[i];
                }
                return out;
            }
            if (image.getType() == BufferedImage.TYPE_3BYTE_BGR
                    && raster.getSampleModel() instanceof PixelInterleavedSampleModel sm
                    && sm.getPixelStride() == 3 && sm.getScanlineStride() == 3 * w
                    && Arrays.equals(sm.getBandOffsets(), new int[] {2, 1, 0})
                    && raster.getDataBuffer() instanceof DataBufferByte db
                    && db.getNumBanks() == 1 && db.getOffset() == 0) {
                byte[] data = db.getData();
                int[] out = new int[w * h];
                for (int i = 0, j = 0; i < out.length; i++, j += 3) {
                    out[i] = 0xFF00_0000 | (data[j + 2] & 0xFF) << 16 | (data[j + 1] & 0xFF) << 8 | (data[j] & 0xFF);
                }
                return out;
            }
        }
        return image.getRGB(0, 0, w, h, null, 0, w);
    }

    static int luma(int r, int g, int b) {
        return (r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16;
    }

    private static float[] grayPlane(BufferedImage image) {
        Raster raster = image.getRaster();
        int w = image.getWidth();
        int h = image.getHeight();
        float[] g = raster.getSamples(0, 0, w, h, 0, new float[w * h]);
        int bits = image.getColorModel().getComponentSize(0);
        if (bits != 8) {
            double scale = 255.0 / ((1L << bits) - 1);
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) (g[i] * scale);
            }
        }
        return g;
    }

    /** An 8-bit RGB image from packed 0xRRGGBB pixels. */
    static BufferedImage rgbImage(int width, int height, int[] rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        // Straight into the packed raster: what setRGB stores for TYPE_INT_RGB, without its per-pixel conversion.
        int[] data = ((DataBufferInt) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < data.length; i++) {
            data[i] = rgb[i] & 0xFF_FFFF;
        }
        return image;
    }

    /** An 8-bit grey image from levels 0..255, written to the raster (no colour conversion). */
    static BufferedImage grayImage(int width, int height, int[] levels) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        raster.setSamples(0, 0, width, height, 0, levels);
        return image;
    }

    /** Packs three 0..255 levels. */
    static int pack(int r, int g, int b) {
        return (r << 16) | (g << 8) | b;
    }

    /** A 0..255 value rounded to the nearest level and clamped (NaN gives 0). */
    static int roundToLevel(float v) {
        if (!(v > 0)) {
            return 0;
        }
        // Math.round's value (half up): for a float in (0, 255) the double sum is exact and truncation is floor.
        return v >= 255f ? 255 : (int) ((double) v + 0.5);
    }

    /**
     * A [0, 1] value as a level the way NumPy's {@code np.uint8(255 * v)} does for in-range values: multiply in float,
     * truncate; clamped to 0..255, NaN gives 0.
     */
    static int truncateToLevel(float v) {
        if (!(v > 0)) {
            return 0;
        }
        float s = 255f * v;
        return s >= 255f ? 255 : (int) s;
    }
}
