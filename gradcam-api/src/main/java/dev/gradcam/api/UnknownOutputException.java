package dev.gradcam.api;

/**
 * An output name that is neither a model output nor, where a backend allows explaining layers, a layer tensor. The
 * message lists the model's outputs. A kind of {@link InvalidInputException}, so code catching that keeps working.
 */
public class UnknownOutputException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    public UnknownOutputException(String message) {
        super(message);
    }
}
