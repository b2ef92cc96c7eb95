package dev.gradcam.api.saliency;

import dev.gradcam.api.tensor.FloatTensor;

/**
 * The reference input Integrated Gradients integrates from: "absence of signal" for the model. Build common ones
 * with {@link Baselines}. Implementations must be deterministic, immutable and thread-safe.
 */
@FunctionalInterface
public interface Baseline {

    /**
     * The baselines for a batch.
     *
     * @param images the inputs {@code [N, ...]}
     * @return a tensor of the same shape
     */
    FloatTensor of(FloatTensor images);

    /** A short description for provenance, e.g. {@code zero}. */
    default String describe() {
        return "custom";
    }
}
