package dev.gradcam.api;

/** No backend could be found or started; the message lists every backend seen and why it was skipped. */
public class BackendUnavailableException extends GradCamException {

    private static final long serialVersionUID = 1L;

    public BackendUnavailableException(String message) {
        super(message);
    }

    public BackendUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
