package dev.gradcam.api.saliency;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.image.GradientImages;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Attributions as pytorch-cnn-visualizations shows them, as tensors in [0, 1] (for further processing or your own
 * rendering) and as PNG files (through {@link PngWriter} and {@link GradientImages}, which use the same formulas):
 * <ul>
 *   <li>{@link #colour}: min-max over all channels and pixels ({@code save_gradient_images});</li>
 *   <li>{@link #grayscale}: absolute values summed over channels, scaled from the minimum to the 99th percentile and
 *       clipped ({@code convert_to_grayscale});</li>
 *   <li>{@link #positive} / {@link #negative}: {@code max(0, g) / max(g)} and {@code max(0, -g) / -min(g)}
 *       ({@code get_positive_negative_saliency}).</li>
 * </ul>
 * A single image is {@code [C, H, W]}; a batch {@code [N, C, H, W]} is converted image by image. Where the reference
 * would divide by zero (a constant map, no positive or negative part) the result is 0. Stateless.
 */
public final class SaliencyMaps {

    private SaliencyMaps() {
    }

    /** Min-max normalised per image, same shape. */
    public static FloatTensor colour(FloatTensor gradients) {
        InvalidArgumentException.requireNonNull(gradients, "gradients");
        return perImage(gradients, (g, out, off, n) -> {
            float min = Float.POSITIVE_INFINITY;
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                min = Math.min(min, g[off + i]);
                max = Math.max(max, g[off + i]);
            }
            float range = max - min;
            for (int i = 0; i < n; i++) {
                out[off + i] = range > 0 ? (g[off + i] - min) / range : 0f;
            }
        });
    }

    /** The positive part over its maximum, per image, same shape. */
    public static FloatTensor positive(FloatTensor gradients) {
        InvalidArgumentException.requireNonNull(gradients, "gradients");
        return perImage(gradients, (g, out, off, n) -> part(g, out, off, n, 1f));
    }

    /** The negative part over the minimum's magnitude, per image, same shape. */
    public static FloatTensor negative(FloatTensor gradients) {
        InvalidArgumentException.requireNonNull(gradients, "gradients");
        return perImage(gradients, (g, out, off, n) -> part(g, out, off, n, -1f));
    }

    /**
     * Grey maps: {@code [C, H, W]} gives {@code [H, W]}, {@code [N, C, H, W]} gives {@code [N, H, W]}.
     *
     * @throws InvalidInputException for other ranks
     */
    public static FloatTensor grayscale(FloatTensor gradients) {
        InvalidArgumentException.requireNonNull(gradients, "gradients");
        Shape s = gradients.shape();
        if (s.rank() != 3 && s.rank() != 4) {
            throw new InvalidInputException("grayscale needs gradients [C, H, W] or [N, C, H, W], got " + s);
        }
        int n = s.rank() == 4 ? s.intDim(0) : 1;
        int channels = s.intDim(-3);
        int plane = s.intDim(-2) * s.intDim(-1);
        float[] out = new float[n * plane];
        for (int i = 0; i < n; i++) {
            float[] sum = new float[plane];
            for (int c = 0; c < channels; c++) {
                for (int p = 0; p < plane; p++) {
                    sum[p] += Math.abs(gradients.getFlat((i * channels + c) * plane + p));
                }
            }
            float[] sorted = sum.clone();
            Arrays.sort(sorted);
            double top = percentile(sorted, 99);
            double range = top - sorted[0];
            for (int p = 0; p < plane; p++) {
                out[i * plane + p] = range > 0
                        ? (float) Math.min(1.0, Math.max(0.0, (sum[p] - sorted[0]) / range)) : 0f;
            }
        }
        Shape os = s.rank() == 4 ? Shape.of(n, s.intDim(2), s.intDim(3)) : Shape.of(s.intDim(1), s.intDim(2));
        return FloatTensor.wrapOwned(os, out);
    }

    /**
     * Writes each image's colour, grayscale, positive and negative maps as PNG files
     * {@code prefix_i_colour.png}, {@code prefix_i_gray.png}, {@code prefix_i_positive.png},
     * {@code prefix_i_negative.png} in {@code dir} (created if missing).
     *
     * @throws dev.gradcam.api.GradCamException if a file cannot be written
     */
    public static void writePngs(Attribution attribution, Path dir, String prefix) {
        InvalidArgumentException.requireNonNull(attribution, "attribution");
        InvalidArgumentException.requireNonNull(dir, "dir");
        InvalidArgumentException.requireNonNull(prefix, "prefix");
        for (int i = 0; i < attribution.size(); i++) {
            FloatTensor g = attribution.attribution(i);
            String base = prefix + "_" + i + "_";
            PngWriter.writeGradient(g, dir.resolve(base + "colour.png"));
            PngWriter.writeMap(grayscale(g), dir.resolve(base + "gray.png"));
            PngWriter.writePositiveNegative(g, dir.resolve(base + "positive.png"), dir.resolve(base + "negative.png"));
        }
    }

    /** NumPy's default ("linear") percentile of sorted data. */
    static double percentile(float[] sorted, double q) {
        double index = q / 100.0 * (sorted.length - 1);
        int lo = (int) Math.floor(index);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (sorted[hi] - (double) sorted[lo]) * (index - lo);
    }

    private static void part(float[] g, float[] out, int off, int n, float sign) {
        float extreme = 0f;
        for (int i = 0; i < n; i++) {
            extreme = Math.max(extreme, sign * g[off + i]);
        }
        for (int i = 0; i < n; i++) {
            float v = sign * g[off + i];
            out[off + i] = extreme > 0 && v > 0 ? v / extreme : 0f;
        }
    }

    private interface ImageOp {
        void apply(float[] in, float[] out, int offset, int size);
    }

    private static FloatTensor perImage(FloatTensor gradients, ImageOp op) {
        Shape s = gradients.shape();
        if (s.rank() < 2 || s.rank() > 4) {
            throw new InvalidInputException("expected gradients [H, W], [C, H, W] or [N, C, H, W], got " + s);
        }
        int n = s.rank() == 4 ? s.intDim(0) : 1;
        float[] g = gradients.toArray();
        float[] out = new float[g.length];
        int per = g.length / n;
        for (int i = 0; i < n; i++) {
            op.apply(g, out, i * per, per);
        }
        return FloatTensor.wrapOwned(s, out);
    }
}
