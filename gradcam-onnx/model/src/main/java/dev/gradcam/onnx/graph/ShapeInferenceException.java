package dev.gradcam.onnx.graph;

import dev.gradcam.api.InvalidModelException;

/**
 * A value's shape is needed but cannot be known before the model runs. Names the value and the node where shape
 * inference stopped, so that the user can see which operator (or which dynamic input dim) is the cause. An
 * {@link InvalidModelException}: the model cannot be explained as given.
 */
public class ShapeInferenceException extends InvalidModelException {

    private static final long serialVersionUID = 1L;

    private final String value;
    private final String node;

    public ShapeInferenceException(String message, String value, String node) {
        super(message);
        this.value = value;
        this.node = node;
    }

    /** The value whose shape was needed. */
    public String value() {
        return value;
    }

    /** The node where inference stopped (op type and name), or null when the input's dynamic dims are the cause. */
    public String node() {
        return node;
    }
}
