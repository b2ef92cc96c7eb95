package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;

/**
 * Aug-smoothing: explain several augmented copies of each image, map each heatmap back onto the original, and average
 * (pixels an augmentation did not see are averaged over the others). Sharper, better-centred maps at the cost of one
 * explanation per augmentation. Works with every method. Immutable.
 *
 * <p>{@link #pytorchGradCam()} is pytorch-grad-cam's {@code aug_smooth}: horizontal flip on/off times intensity
 * multipliers 0.9, 1, 1.1 (ttach), six explanations; note that pytorch-grad-cam's multipliers change pixel values,
 * not the scale. {@link #flipsAndZooms(double...)} adds geometric zooms about the centre. Targets that follow the
 * output (the top class) are fixed to the class found on the original images first, so every augmentation explains
 * the same class.
 */
public final class AugSmoothing {

    private final List<Augmentation> augmentations;

    private AugSmoothing(List<Augmentation> augmentations) {
        if (augmentations.isEmpty()) {
            throw new InvalidArgumentException("aug-smoothing needs at least one augmentation");
        }
        this.augmentations = List.copyOf(augmentations);
    }

    /** Exactly these augmentations (include {@link Augmentation#IDENTITY} to count the original). */
    public static AugSmoothing of(List<Augmentation> augmentations) {
        return new AugSmoothing(InvalidArgumentException.requireNonNull(augmentations, "augmentations"));
    }

    /** pytorch-grad-cam's default: {no flip, flip} x multipliers {0.9, 1, 1.1}. */
    public static AugSmoothing pytorchGradCam() {
        return grid(new double[] {1}, new double[] {0.9, 1, 1.1});
    }

    /** {no flip, flip} x zoom factors (include 1 for the original scale), no intensity change. */
    public static AugSmoothing flipsAndZooms(double... zooms) {
        InvalidArgumentException.requireNonNull(zooms, "zooms");
        return grid(zooms, new double[] {1});
    }

    /**
     * {no flip, flip} x zooms x multipliers.
     *
     * @throws InvalidArgumentException if a list is empty or a zoom is not positive
     */
    public static AugSmoothing grid(double[] zooms, double[] multipliers) {
        InvalidArgumentException.requireNonNull(zooms, "zooms");
        InvalidArgumentException.requireNonNull(multipliers, "multipliers");
        if (zooms.length == 0 || multipliers.length == 0) {
            throw new InvalidArgumentException("need at least one zoom and one multiplier");
        }
        List<Augmentation> list = new ArrayList<>();
        for (boolean flip : new boolean[] {false, true}) {
            for (double z : zooms) {
                for (double m : multipliers) {
                    list.add(new Augmentation(flip, z, m));
                }
            }
        }
        return new AugSmoothing(list);
    }

    /** The augmentations, in order. */
    public List<Augmentation> augmentations() {
        return augmentations;
    }

    @Override
    public String toString() {
        return "AugSmoothing" + augmentations;
    }
}
