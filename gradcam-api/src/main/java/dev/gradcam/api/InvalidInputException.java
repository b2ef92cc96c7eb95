package dev.gradcam.api;

/** An argument has the wrong shape, size or value: the message says what was given and what is expected. */
public class InvalidInputException extends GradCamException {

    private static final long serialVersionUID = 1L;

    public InvalidInputException(String message) {
        super(message);
    }

    public InvalidInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
