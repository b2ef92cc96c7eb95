package dev.gradcam.api.saliency;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.image.GradientImages;
import dev.gradcam.api.image.GradientScaling;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Attributions as pytorch-cnn-visualizations shows them, as tensors in [0, 1] (for further processing or your own
 * rendering) and as PNG files (through {@link PngWriter} and {@link GradientImages}); both come from
 * {@link GradientScaling}, so a PNG shows exactly the tensor:
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
        return perImage(gradients, GradientScaling::normalized);
    }

    /** The positive part over its maximum, per image, same shape. */
    public static FloatTensor positive(FloatTensor gradients) {
        InvalidArgumentException.requireNonNull(gradients, "gradients");
        return perImage(gradients, GradientScaling::positive);
    }

    /** The negative part over the minimum's magnitude, per image, same shape. */
    public static FloatTensor negative(FloatTensor gradients) {
        InvalidArgumentException.requireNonNull(gradients, "gradients");
        return perImage(gradients, GradientScaling::negative);
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
        if (s.rank() == 3) {
            return GradientScaling.grayscale(gradients);
        }
        List<FloatTensor> maps = new ArrayList<>(s.intDim(0));
        for (int i = 0; i < s.intDim(0); i++) {
            maps.add(GradientScaling.grayscale(gradients.slice(i)));
        }
        return FloatTensor.stack(maps);
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

    /** {@code op} on each image of {@code [N, C, H, W]}, or on the one image of {@code [C, H, W]} / {@code [H, W]}. */
    private static FloatTensor perImage(FloatTensor gradients, UnaryOperator<FloatTensor> op) {
        Shape s = gradients.shape();
        if (s.rank() < 2 || s.rank() > 4) {
            throw new InvalidInputException("expected gradients [H, W], [C, H, W] or [N, C, H, W], got " + s);
        }
        if (s.rank() < 4) {
            return op.apply(gradients);
        }
        List<FloatTensor> out = new ArrayList<>(s.intDim(0));
        for (int i = 0; i < s.intDim(0); i++) {
            out.add(op.apply(gradients.slice(i)));
        }
        return FloatTensor.stack(out);
    }
}
