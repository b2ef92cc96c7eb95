package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.OptionalInt;

/**
 * What to explain for one image: a differentiable scalar function of that image's model output.
 *
 * <p>A target gives its score and its gradient with respect to the output (the <em>seed</em> of backpropagation);
 * backends only ever see the seed, so every target reuses the same compiled graph. The output passed in is one
 * image's slice of the batch (the batch axis removed), e.g. shape [classes] or [channels, H, W]. Implementations
 * must be immutable and thread-safe. Build common ones with {@link Targets}.
 */
public interface Target {

    /** The explained scalar for this output. */
    double score(FloatTensor output);

    /** The gradient of {@link #score} with respect to {@code output}, of the same shape. */
    FloatTensor gradient(FloatTensor output);

    /**
     * False if {@link #gradient} ignores the output's values (the target is linear in the output, like a class
     * logit): backends can then seed backpropagation before the forward pass and finish in one pass. When false,
     * {@link #gradient} accepts any tensor of the right shape, e.g. zeros.
     */
    default boolean dependsOnOutput() {
        return true;
    }

    /**
     * The Hessian of {@link #score} with respect to the output times {@code direction} (same shape): what
     * second-order methods (ShapleyCAM) need from a target that is not linear in the output. Zeros for targets
     * whose gradient ignores the output.
     *
     * @throws InvalidArgumentException if the target is not linear and does not define its second derivative
     */
    default FloatTensor hessianVector(FloatTensor output, FloatTensor direction) {
        InvalidArgumentException.requireNonNull(output, "output");
        if (!dependsOnOutput()) {
            return FloatTensor.zeros(output.shape());
        }
        throw new InvalidArgumentException("target '" + describe() + "' defines no second derivative, which "
                + "second-order methods (shapley-cam) need; use logit, softmax, ReST, raw scores or a target linear "
                + "in the output");
    }

    /** The class this target explains for this output, if it is about one class. */
    default OptionalInt classIndex(FloatTensor output) {
        return OptionalInt.empty();
    }

    /** A short description for results and logs, e.g. {@code logit[281]}. */
    String describe();
}
