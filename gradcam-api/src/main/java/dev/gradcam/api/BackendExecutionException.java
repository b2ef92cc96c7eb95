package dev.gradcam.api;

/** The backend failed while running a pass (a native runtime error): the message names the model and the pass. */
public class BackendExecutionException extends GradCamException {

    private static final long serialVersionUID = 1L;

    public BackendExecutionException(String message, Throwable cause) {
        super(message, cause);
    }

    public BackendExecutionException(String message) {
        super(message);
    }
}
