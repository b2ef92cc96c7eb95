package dev.gradcam.onnx.grad;

/**
 * The reverse-mode rule of one operator type: given the gradients arriving at a node's outputs, emit ONNX nodes
 * that compute the gradients of its differentiable inputs. Rules read forward values by name (they stay in the same
 * graph, computed once), need no weight gradients, and may rely on static shapes. Implementations are stateless.
 */
@FunctionalInterface
public interface BackwardRule {

    /**
     * Emits the backward computation of {@code ctx.node()}, calling {@link BackwardContext#addGradient} for each
     * input that {@link BackwardContext#needsGradient} names.
     *
     * @throws dev.gradcam.api.UnsupportedOperatorException (via {@link BackwardContext#unsupported}) for an
     *     attribute combination the rule cannot differentiate
     */
    void backward(BackwardContext ctx);
}
