package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.numeric.Percentiles;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Arrays;

/**
 * The scalings pytorch-cnn-visualizations ({@code misc_functions.py}) applies to one image's gradient before showing
 * it, as tensors with values in [0, 1]. The one implementation behind both {@link GradientImages} (the pictures) and
 * {@code SaliencyMaps} (the tensors, per image of a batch), so a saved PNG always shows the tensor a caller gets.
 * Where the reference would divide by zero (a constant gradient, no positive or no negative part) the result is 0.
 * Stateless.
 */
public final class GradientScaling {

    private GradientScaling() {
    }

    /** {@code (g - min) / (max - min)} over all channels and pixels ({@code save_gradient_images}); same shape. */
    public static FloatTensor normalized(FloatTensor gradient) {
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
        return FloatTensor.wrapOwned(gradient.shape(), g);
    }

    /** {@code max(0, g) / max(g)} ({@code get_positive_negative_saliency}); same shape. */
    public static FloatTensor positive(FloatTensor gradient) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        return part(gradient, 1f);
    }

    /** {@code max(0, -g) / -min(g)}; same shape. */
    public static FloatTensor negative(FloatTensor gradient) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        return part(gradient, -1f);
    }

    /**
     * A grey map {@code [H, W]} as {@code convert_to_grayscale}: the sum of absolute values over channels, then
     * {@code (s - min) / (p99 - min)} clipped to [0, 1], {@code p99} the 99th percentile ({@link Percentiles}).
     *
     * @throws InvalidInputException unless the gradient is a non-empty {@code [C, H, W]} or {@code [H, W]}, with
     *                               optional leading axes of size 1
     */
    public static FloatTensor grayscale(FloatTensor gradient) {
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
        double top = Percentiles.ofSorted(sorted, 99);
        float min = sorted[0];
        double range = top - min;
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = range > 0 ? (float) Math.min(1.0, Math.max(0.0, (sum[i] - min) / range)) : 0f;
        }
        return FloatTensor.wrapOwned(Shape.of(h, w), out);
    }

    private static FloatTensor part(FloatTensor gradient, float sign) {
        float[] g = gradient.toArray();
        float extreme = 0f;
        for (float v : g) {
            extreme = Math.max(extreme, sign * v);
        }
        for (int i = 0; i < g.length; i++) {
            float v = sign * g[i];
            g[i] = extreme > 0 && v > 0 ? v / extreme : 0f;
        }
        return FloatTensor.wrapOwned(gradient.shape(), g);
    }

    /** Drops leading axes of size 1 until the rank is at most {@code rank}. */
    static Shape squeezeLeading(Shape s, int rank) {
        while (s.rank() > rank && s.dim(0) == 1) {
            s = s.dropFirst(1);
        }
        return s;
    }
}
