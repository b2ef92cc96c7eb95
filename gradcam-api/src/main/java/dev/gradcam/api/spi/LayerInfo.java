package dev.gradcam.api.spi;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.Shape;

/**
 * A candidate layer: an intermediate tensor that can be tapped for activations and gradients.
 *
 * @param name  the tensor name (unique), e.g. {@code /layer4/layer4.1/relu_1/Relu_output_0}
 * @param node  the name of the node producing it, e.g. {@code /layer4/layer4.1/relu_1/Relu} (may equal name)
 * @param op    the operator type, e.g. {@code Relu}
 * @param shape its shape for the model's declared input, {@link Shape#DYNAMIC} where unknown
 */
public record LayerInfo(String name, String node, String op, Shape shape) {
    public LayerInfo {
        InvalidArgumentException.requireNonNull(name, "name");
        InvalidArgumentException.requireNonNull(node, "node");
        InvalidArgumentException.requireNonNull(op, "op");
        InvalidArgumentException.requireNonNull(shape, "shape");
    }

    /** Like {@code /layer4/layer4.1/relu_1/Relu_output_0 (Relu [?, 512, 7, 7])}. */
    public String describe() {
        return name + " (" + op + " " + shape + ")";
    }
}
