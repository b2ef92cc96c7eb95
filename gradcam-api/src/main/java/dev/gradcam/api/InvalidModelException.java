package dev.gradcam.api;

/**
 * The file is an ONNX model (or another model format) but not a valid one: a node reads a value nothing defines, an
 * attribute has the wrong type or a value outside its range, a tensor's data does not match its dims. The message
 * names the node, the attribute or tensor, and the valid range. Raised before any runtime sees the model.
 */
public class InvalidModelException extends ModelLoadException {

    private static final long serialVersionUID = 1L;

    public InvalidModelException(String message) {
        super(message);
    }
}
