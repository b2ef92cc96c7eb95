package dev.gradcam.api;

/**
 * The root of every error this library raises on purpose. Unchecked; subtypes say precisely what went wrong, and
 * every message says what was wrong and what would be right.
 */
public class GradCamException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public GradCamException(String message) {
        super(message);
    }

    public GradCamException(String message, Throwable cause) {
        super(message, cause);
    }
}
