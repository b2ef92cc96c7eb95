package dev.gradcam.api;

/** A model, explainer or session was used after {@code close()}. */
public class ResourceClosedException extends GradCamException {

    private static final long serialVersionUID = 1L;

    public ResourceClosedException(String what) {
        super(what + " has been closed and cannot be used any more");
    }
}
