package dev.gradcam.api.post;

import dev.gradcam.api.tensor.FloatTensor;

/**
 * How maps of a batch [N, h, w] are scaled for display. Implementations are stateless and thread-safe.
 *
 * <p>The built-in ones come from {@link Normalizations}.
 */
@FunctionalInterface
public interface Normalization {

    /** pytorch-grad-cam's divisor guard: {@code (x - min) / (max - min + 1e-7)}. */
    float EPSILON = 1e-7f;

    /** Scales a batch of maps [N, h, w]. */
    FloatTensor apply(FloatTensor maps);
}
