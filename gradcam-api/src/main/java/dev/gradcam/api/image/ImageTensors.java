package dev.gradcam.api.image;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.post.Bilinear;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

import java.awt.image.BufferedImage;

/**
 * Converts between one {@link BufferedImage} and a one-image tensor, applying a {@link Preprocessing} or undoing its
 * value normalisation. See {@link Preprocessing} for the steps and their reference behaviour. Stateless.
 */
final class ImageTensors {

    private ImageTensors() {
    }

    /** The image as a {@code [1, C, H, W]} or {@code [1, H, W, C]} tensor. */
    static FloatTensor toTensor(BufferedImage image, Preprocessing p) {
        float[][] planes = Pixels.planes(image, p.grayscale());
        int w = image.getWidth();
        int h = image.getHeight();

        int outW = w;
        int outH = h;
        if (p.width() > 0) {
            outW = p.width();
            outH = p.height();
        } else if (p.shorterSide() > 0) {
            int s = p.shorterSide();
            if (w <= h) {
                outW = s;
                outH = (int) (s * (double) h / w);
            } else {
                outH = s;
                outW = (int) (s * (double) w / h);
            }
        }
        if (outW != w || outH != h) {
            planes = resize(planes, h, w, outH, outW);
            w = outW;
            h = outH;
        }

        int x0 = 0;
        int y0 = 0;
        if (p.cropWidth() > 0) {
            if (p.cropWidth() > w || p.cropHeight() > h) {
                throw new InvalidInputException("centre crop " + p.cropWidth() + "x" + p.cropHeight()
                        + " is larger than the " + (p.width() > 0 || p.shorterSide() > 0 ? "resized " : "")
                        + "image, " + w + "x" + h + "; resize it first (Preprocessing.Builder.resizeShorterSide)"
                        + " or crop less");
            }
            // torchvision CenterCrop: int(round((size - crop) / 2.0)), Python rounding half to even.
            x0 = (int) Math.rint((w - p.cropWidth()) / 2.0);
            y0 = (int) Math.rint((h - p.cropHeight()) / 2.0);
        }
        int cw = p.cropWidth() > 0 ? p.cropWidth() : w;
        int ch = p.cropHeight() > 0 ? p.cropHeight() : h;

        int channels = p.channels();
        float[] out = new float[channels * cw * ch];
        boolean nchw = p.layout() == TensorLayout.NCHW;
        for (int c = 0; c < channels; c++) {
            int rgb = channels == 1 ? 0 : p.channelOrder().rgbIndexOf(c);
            float[] plane = planes[rgb];
            for (int y = 0; y < ch; y++) {
                int srcRow = (y + y0) * w + x0;
                for (int x = 0; x < cw; x++) {
                    float v = p.normalise(rgb, plane[srcRow + x]);
                    int pixel = y * cw + x;
                    out[nchw ? c * cw * ch + pixel : pixel * channels + c] = v;
                }
            }
        }
        Shape shape = nchw ? Shape.of(1, channels, ch, cw) : Shape.of(1, ch, cw, channels);
        return FloatTensor.wrapOwned(shape, out);
    }

    /** Resizes every plane with {@link Bilinear} (half-pixel centres, no antialiasing). */
    private static float[][] resize(float[][] planes, int h, int w, int outH, int outW) {
        int n = h * w;
        float[] stacked = new float[planes.length * n];
        for (int c = 0; c < planes.length; c++) {
            System.arraycopy(planes[c], 0, stacked, c * n, n);
        }
        FloatTensor resized = Bilinear.resize(FloatTensor.wrapOwned(Shape.of(planes.length, h, w), stacked),
                outH, outW);
        float[][] out = new float[planes.length][];
        for (int c = 0; c < planes.length; c++) {
            out[c] = resized.slice(c).toArray();
        }
        return out;
    }

    /**
     * One image tensor back to an 8-bit image: {@code [1, C, H, W]} / {@code [C, H, W]} (NCHW) or
     * {@code [1, H, W, C]} / {@code [H, W, C]} (NHWC), C 1 (grey image) or 3 (RGB image); values de-normalised,
     * rounded to the nearest level and clamped to 0..255.
     */
    static BufferedImage toImage(FloatTensor tensor, Preprocessing p) {
        Shape s = tensor.shape();
        if (s.rank() == 4) {
            if (s.dim(0) != 1) {
                throw new InvalidInputException("expected one image but the tensor " + s + " holds " + s.dim(0)
                        + "; convert a batch with Images.toImages or slice it (tensor.slice(i))");
            }
            s = s.dropFirst(1);
        }
        if (s.rank() != 3) {
            throw new InvalidInputException("expected an image tensor " + (p.layout() == TensorLayout.NCHW
                    ? "[1, C, H, W] or [C, H, W]" : "[1, H, W, C] or [H, W, C]") + ", got " + tensor.shape());
        }
        boolean nchw = p.layout() == TensorLayout.NCHW;
        int channels = s.intDim(nchw ? 0 : 2);
        int h = s.intDim(nchw ? 1 : 0);
        int w = s.intDim(nchw ? 2 : 1);
        boolean broadcast = p.mean().length == 1 && p.std().length == 1;
        if ((channels != 1 && channels != 3) || (channels != p.channels() && !broadcast)) {
            throw new InvalidInputException("tensor " + tensor.shape() + " in layout " + p.layout() + " has "
                    + channels + " channels but " + p + " expects " + p.channels()
                    + " (check the layout: NCHW is [N, C, H, W], NHWC is [N, H, W, C])");
        }
        int n = w * h;
        int[] levels = new int[channels == 1 ? n : 0];
        int[] rgb = new int[channels == 3 ? n : 0];
        for (int c = 0; c < channels; c++) {
            int rgbIndex = channels == 1 ? 0 : p.channelOrder().rgbIndexOf(c);
            int shift = 16 - 8 * rgbIndex;
            for (int i = 0; i < n; i++) {
                float v = tensor.getFlat(nchw ? c * n + i : i * channels + c);
                int level = Pixels.roundToLevel(p.denormalise(rgbIndex, v));
                if (channels == 1) {
                    levels[i] = level;
                } else {
                    rgb[i] |= level << shift;
                }
            }
        }
        return channels == 1 ? Pixels.grayImage(w, h, levels) : Pixels.rgbImage(w, h, rgb);
    }
}
