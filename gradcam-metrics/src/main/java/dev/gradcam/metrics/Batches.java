package dev.gradcam.metrics;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;

/** Shape checks and slicing shared by the metrics. Stateless. */
public final class Batches {

    private Batches() {
    }

    /** Images [from, to) of a batch, as a batch. */
    public static FloatTensor range(FloatTensor batch, int from, int to) {
        java.util.List<FloatTensor> parts = new java.util.ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            parts.add(batch.slice(i));
        }
        return FloatTensor.stack(parts);
    }

    /**
     * Checks that {@code images} is [N, C, H, W] and {@code maps} is [N, H, W] with the same N, H and W.
     *
     * @throws InvalidInputException naming both shapes otherwise
     */
    public static void checkImagesAndMaps(FloatTensor images, FloatTensor maps) {
        Shape i = images.shape();
        Shape m = maps.shape();
        if (i.rank() != 4) {
            throw new InvalidInputException("images must be [N, C, H, W] (channels first), got " + i);
        }
        if (m.rank() != 3 || m.dim(0) != i.dim(0) || m.dim(1) != i.dim(2) || m.dim(2) != i.dim(3)) {
            throw new InvalidInputException("maps must be [N, H, W] = [" + i.dim(0) + ", " + i.dim(2) + ", "
                    + i.dim(3) + "] to match images " + i + ", got " + m
                    + " (upsample layer-resolution maps to the input size first)");
        }
        if (!maps.allFinite()) {
            throw new InvalidInputException("maps contain NaN or infinite values");
        }
    }

    /** @throws InvalidInputException if there is not one target per image */
    public static void checkTargets(FloatTensor images, List<Target> targets) {
        if (targets.size() != images.shape().dim(0)) {
            throw new InvalidInputException("need one target per image: " + images.shape().dim(0) + " images, "
                    + targets.size() + " targets");
        }
    }

    /** @throws InvalidInputException if {@code attributions} does not have the images' shape */
    public static void checkAttributions(FloatTensor images, FloatTensor attributions) {
        if (!images.shape().equals(attributions.shape())) {
            throw new InvalidInputException("attributions must have the input's shape " + images.shape() + ", got "
                    + attributions.shape());
        }
    }
}
