package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

import java.awt.image.BufferedImage;

/**
 * Turns maps and input gradients into 8-bit images the way pytorch-cnn-visualizations ({@code misc_functions.py})
 * does, so saliency, guided-backprop and guided Grad-CAM pictures look the same. The values come from
 * {@link GradientScaling}, as {@code SaliencyMaps}' tensors do.
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
        return image(GradientScaling.normalized(gradient));
    }

    /**
     * The positive part divided by the maximum, {@code max(0, g) / max(g)}, as
     * {@code get_positive_negative_saliency}.
     */
    public static BufferedImage positive(FloatTensor gradient) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        return image(GradientScaling.positive(gradient));
    }

    /** The negative part divided by the minimum's magnitude, {@code max(0, -g) / -min(g)}. */
    public static BufferedImage negative(FloatTensor gradient) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        return image(GradientScaling.negative(gradient));
    }

    /**
     * A colour gradient collapsed to grey as {@code convert_to_grayscale}: the sum of absolute values over channels,
     * then {@code (s - min) / (p99 - min)} clipped to [0, 1], where {@code p99} is the 99th percentile (linear
     * interpolation, NumPy's default).
     */
    public static BufferedImage grayscale(FloatTensor gradient) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        return image(GradientScaling.grayscale(gradient));
    }

    /** A map with values in [0, 1] as a grey image, levels {@code (int)(255 * v)} clamped, NaN black. */
    public static BufferedImage gray(FloatTensor map) {
        InvalidArgumentException.requireNonNull(map, "map");
        Shape s = GradientScaling.squeezeLeading(map.shape(), 2);
        if (s.rank() != 2) {
            throw new InvalidInputException("expected a 2-D map [H, W] (leading axes of size 1 allowed), got "
                    + map.shape());
        }
        return image(map.toArray(), s);
    }

    private static BufferedImage image(FloatTensor values) {
        return image(values.toArray(), values.shape());
    }

    /** Values in [0, 1], laid out as {@code shape} ([C, H, W] or [H, W], leading 1s allowed), as an image. */
    private static BufferedImage image(float[] values, Shape shape) {
        Shape s = GradientScaling.squeezeLeading(shape, 3);
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
}
