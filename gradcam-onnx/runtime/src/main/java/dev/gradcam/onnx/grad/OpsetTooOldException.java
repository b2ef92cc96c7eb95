package dev.gradcam.onnx.grad;

import dev.gradcam.api.UnsupportedOperatorException;

/**
 * A backward rule needs an operator form newer than the model's opset (ScatterElements with reduction=add at 16,
 * Slice with steps at 10). The model runtime answers by converting the model to a newer opset
 * ({@link dev.gradcam.onnx.convert.OpsetConverter}) and compiling again; the message stands if it cannot.
 */
public final class OpsetTooOldException extends UnsupportedOperatorException {

    private static final long serialVersionUID = 1L;

    private final int needed;

    OpsetTooOldException(String opType, String node, String why, int needed) {
        super(opType, node, why);
        this.needed = needed;
    }

    /** The oldest opset at which the rule can differentiate the node. */
    public int needed() {
        return needed;
    }
}
