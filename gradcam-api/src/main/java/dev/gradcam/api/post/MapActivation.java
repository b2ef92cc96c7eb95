package dev.gradcam.api.post;

/** What is kept of a signed class-activation map before normalisation. */
public enum MapActivation {
    /** Positive evidence only, {@code max(x, 0)}: Grad-CAM as published. */
    RELU,
    /** The signed map as is: negative evidence stays visible. */
    SIGNED,
    /** The magnitude {@code |x|}. */
    ABS;

    /** Applies the activation to one value. */
    public float apply(float x) {
        return switch (this) {
            case RELU -> x > 0 ? x : 0f;
            case SIGNED -> x;
            case ABS -> Math.abs(x);
        };
    }
}
