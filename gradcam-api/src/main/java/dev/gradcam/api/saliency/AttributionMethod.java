package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.Collections;
import java.util.List;

/**
 * A method that attributes a model's decision to the elements of its input (pixels, for images): saliency,
 * SmoothGrad, Integrated Gradients, LRP ... Build them with {@link Saliency}.
 *
 * <p>Inputs are batches {@code [N, ...]} ({@code [N, C, H, W]} for images) with one target per image; attributions
 * have the input's shape. Implementations are immutable and thread-safe when the model is; they do not own the model
 * (close it yourself).
 */
public interface AttributionMethod {

    /** The method's kebab-case name, e.g. {@code integrated-gradients}; recorded in provenance. */
    String name();

    /** The model explained. */
    DifferentiableModel model();

    /**
     * Attributes a batch with one target per image.
     *
     * @throws dev.gradcam.api.InvalidInputException   if the batch and targets disagree or do not fit the model
     * @throws dev.gradcam.api.ResourceClosedException if the model has been closed
     */
    Attribution attribute(FloatTensor images, List<Target> targets);

    /** Attributes the same target for every image. */
    default Attribution attribute(FloatTensor images, Target target) {
        InvalidArgumentException.requireNonNull(target, "target");
        return attribute(images, Collections.nCopies(Passes.batchOf(images), target));
    }

    /** Attributes each image's top class. */
    default Attribution attribute(FloatTensor images) {
        return attribute(images, Targets.topClass());
    }
}
