package dev.gradcam.api;

/** A model (or an image or array file) could not be read: missing file, bad format, unsupported version. */
public class ModelLoadException extends GradCamException {

    private static final long serialVersionUID = 1L;

    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
