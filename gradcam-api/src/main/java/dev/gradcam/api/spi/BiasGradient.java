package dev.gradcam.api.spi;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;

/**
 * One bias layer's part of a pass that asked for {@link PassRequest#biasGradients() bias gradients}: the layer's
 * effective per-channel bias and the gradient of the target with respect to the layer's output. Their product
 * {@code b_c * dy/dz_c[i, j]} is the bias-gradient map of FullGrad (Srinivas and Fleuret 2019), whose sum over
 * positions equals {@code b_c * dy/db_c}.
 *
 * <p>Which layers count is the backend's call, documented by it; FullGrad's authors and pytorch-grad-cam use every
 * 2-D convolution with a bias and every batch normalisation, the latter with the effective bias
 * {@code beta - mean * gamma / sqrt(var + eps)} (the bias of the convolution it folds into). Immutable.
 *
 * @param layer    the output tensor of the bias layer, e.g. {@code /layer1/layer1.0/bn1/BatchNormalization_output_0}
 * @param bias     the effective bias [K]
 * @param gradient the target's gradient with respect to the layer output [N, K, h, w]
 */
public record BiasGradient(String layer, FloatTensor bias, FloatTensor gradient) {

    /**
     * @throws InvalidInputException if the gradient is not [N, K, h, w] for a bias of K channels
     */
    public BiasGradient {
        InvalidArgumentException.requireNonNull(layer, "layer");
        InvalidArgumentException.requireNonNull(bias, "bias");
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        if (gradient.shape().rank() != 4 || bias.shape().rank() != 1 || gradient.shape().dim(1) != bias.size()) {
            throw new InvalidInputException("bias-gradient layer '" + layer + "' needs a bias [K] and a gradient "
                    + "[N, K, h, w], got " + bias.shape() + " and " + gradient.shape());
        }
    }
}
