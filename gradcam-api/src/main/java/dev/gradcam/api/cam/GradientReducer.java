package dev.gradcam.api.cam;

import dev.gradcam.api.tensor.FloatTensor;

/**
 * Turns one image's activations and gradients at a layer into weights for its feature maps.
 *
 * <p>Both inputs have shape [K, h, w]. Return [K] for one weight per channel (Grad-CAM: map = sum_k w_k A_k) or
 * [K, h, w] for a weight per position (HiResCAM: map = sum_k W_k * A_k element-wise). Implementations must be
 * stateless and thread-safe. Built-ins: {@link GradientReducers}.
 */
@FunctionalInterface
public interface GradientReducer {

    /** Weights of shape [K] or [K, h, w]. */
    FloatTensor reduce(FloatTensor activations, FloatTensor gradients);
}
