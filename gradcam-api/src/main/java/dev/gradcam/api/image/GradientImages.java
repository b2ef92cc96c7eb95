package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

import java.awt.image.BufferedImage;
import java.util.Arrays;

/**
 * Turns maps and input gradients into 8-bit images the way pytorch-cnn-visualizations ({@code misc_functions.py})
 * does, so saliency, guided-backprop and guided Grad-CAM pictures look the same.
 *
 * <p>Shapes: a gradient is {@code [3, H, W]} (colour, channels R, G, B), {@code [1, H, W]} or {@code [H, W]}
 * (grey), optionally with a leading batch axis of size 1; that is PyTorch's layout, so transpose NHWC gradients
 * first. Values in [0, 1] become levels {@code (int)(255 * v)} (truncated, as the reference's
 * {@code (x * 255).astype(np.uint8)}). Where the reference would divide by zero (a constant map, no positive or no
 * negative part) the image is black. Stateless.
 */
public final class GradientImages {

    private GradientImages() {
    }

    /**
     * The gradient min-max normalised over all channels and pixels, {@code (g - min) / (max - min)}, as
     * {@code save_gradient_images}.
     */
    public static BufferedImage normalized(FloatTensor gradient) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        float[] g = gradient.toArray();
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float v : g) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float range = max - min;
        for (int i = 0; i < g.length; i++) {
            g[i] = range > 0 ? (g[i] - min) / range : 0f;
        }
        return image(g, gradient.shape());
    }

    /**
     * The positive part divided by the maximum, {@code max(0, g) / max(g)}, as
     * {@code get_positive_negative_saliency}.
     */
    public static BufferedImage positive(FloatTensor gradient) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        return part(gradient, 1f);
    }

    /** The negative part divided by the minimum's magnitude, {@code max(0, -g) / -min(g)}. */
    public static BufferedImage negative(FloatTensor gradient) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        return part(gradient, -1f);
    }

    /**
     * A colour gradient collapsed to grey as {@code convert_to_grayscale}: the sum of absolute values over channels,
     * then {@code (s - min) / (p99 - min)} clipped to [0, 1], where {@code p99} is the 99th percentile (linear
     * interpolation, NumPy's default).
     */
    public static BufferedImage grayscale(FloatTensor gradient) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        Shape s = squeezeLeading(gradient.shape(), 3);
        if (s.rank() != 2 && s.rank() != 3 || s.size() == 0) {
            throw new InvalidInputException("expected a non-empty gradient [C, H, W] or [H, W], with an optional "
                    + "leading batch axis of size 1, got " + gradient.shape());
        }
        int channels = s.rank() == 3 ? s.intDim(0) : 1;
        int h = s.intDim(-2);
        int w = s.intDim(-1);
        int n = h * w;
        float[] sum = new float[n];
        for (int c = 0; c < channels; c++) {
            for (int i = 0; i < n; i++) {
                sum[i] += Math.abs(gradient.getFlat(c * n + i));
            }
        }
        float[] sorted = sum.clone();
        Arrays.sort(sorted);
        double top = percentile(sorted, 99);
        float min = sorted[0];
        float[] out = new float[n];
        double range = top - min;
        for (int i = 0; i < n; i++) {
            out[i] = range > 0 ? (float) Math.min(1.0, Math.max(0.0, (sum[i] - min) / range)) : 0f;
        }
        return image(out, Shape.of(h, w));
    }

    /** A map with values in [0, 1] as a grey image, levels {@code (int)(255 * v)} clamped, NaN black. */
    public static BufferedImage gray(FloatTensor map) {
        InvalidArgumentException.requireNonNull(map, "map");
        Shape s = squeezeLeading(map.shape(), 2);
        if (s.rank() != 2) {
            throw new InvalidInputException("expected a 2-D map [H, W] (leading axes of size 1 allowed), got "
                    + map.shape());
        }
        return image(map.toArray(), s);
    }

    private static BufferedImage part(FloatTensor gradient, float sign) {
        float[] g = gradient.toArray();
        float extreme = 0f;
        for (float v : g) {
            extreme = Math.max(extreme, sign * v);
        }
        for (int i = 0; i < g.length; i++) {
            float v = sign * g[i];
            g[i] = extreme > 0 && v > 0 ? v / extreme : 0f;
        }
        return image(g, gradient.shape());
    }

    /** NumPy's default ("linear") percentile of sorted data. */
    static double percentile(float[] sorted, double q) {
        double index = q / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(index);
        int hi = Math.min(lo + 1, sorted.length - 1);
        double t = index - lo;
        return sorted[lo] + (sorted[hi] - (double) sorted[lo]) * t;
    }

    /** Values in [0, 1], laid out as {@code shape} ([C, H, W] or [H, W], leading 1s allowed), as an image. */
    private static BufferedImage image(float[] values, Shape shape) {
        Shape s = squeezeLeading(shape, 3);
        if (s.rank() == 3 && s.dim(0) == 1) {
            s = s.dropFirst(1);
        }
        if (s.rank() == 2) {
            int h = s.intDim(0);
            int w = s.intDim(1);
            int[] levels = new int[h * w];
            for (int i = 0; i < levels.length; i++) {
                levels[i] = Pixels.truncateToLevel(values[i]);
            }
            return Pixels.grayImage(w, h, levels);
        }
        if (s.rank() == 3 && s.dim(0) == 3) {
            int h = s.intDim(1);
            int w = s.intDim(2);
            int n = h * w;
            int[] rgb = new int[n];
            for (int i = 0; i < n; i++) {
                rgb[i] = Pixels.pack(Pixels.truncateToLevel(values[i]), Pixels.truncateToLevel(values[n + i]),
                        Pixels.truncateToLevel(values[2 * n + i]));
            }
            return Pixels.rgbImage(w, h, rgb);
        }
        throw new InvalidInputException("expected a gradient [3, H, W] (colour) or [H, W] / [1, H, W] (grey), with "
                + "an optional leading batch axis of size 1, got " + shape);
    }

    /** Drops leading axes of size 1 until the rank is at most {@code rank}. */
    private static Shape squeezeLeading(Shape s, int rank) {
        while (s.rank() > rank && s.dim(0) == 1) {
            s = s.dropFirst(1);
        }
        return s;
    }
}
