package dev.gradcam.api;

import dev.gradcam.api.spi.Capability;

/** A method asked a backend for something it declared it cannot do (head execution, a gradient mode, ...). */
public class UnsupportedCapabilityException extends GradCamException {

    private static final long serialVersionUID = 1L;

    private final Capability capability;

    public UnsupportedCapabilityException(Capability capability, String backend, String hint) {
        super("backend '" + backend + "' does not support " + capability.description()
                + (hint == null || hint.isEmpty() ? "" : "; " + hint));
        this.capability = capability;
    }

    public UnsupportedCapabilityException(String what, String backend, String hint) {
        super("backend '" + backend + "' does not support " + what + (hint == null || hint.isEmpty() ? "" : "; " + hint));
        this.capability = null;
    }

    /** The missing capability, or null when the request was for something outside the enum (a gradient mode). */
    public Capability capability() {
        return capability;
    }
}
