package dev.gradcam.api.saliency;

import dev.gradcam.api.tensor.FloatTensor;

/**
 * The noise SmoothGrad adds to an image for one of its samples. Implementations must be deterministic in their
 * arguments (so results do not depend on batching or threads), immutable and thread-safe.
 *
 * <p>The built-in ones come from {@link Noises}.
 */
@FunctionalInterface
public interface Noise {

    /**
     * The noise for sample {@code sample} of image {@code image} of the batch.
     *
     * @param input one image, e.g. {@code [C, H, W]}
     * @return noise of the same shape, added to the image
     */
    FloatTensor sample(FloatTensor input, int image, int sample);
}
