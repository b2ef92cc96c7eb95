package dev.gradcam.api;

import java.util.List;

/**
 * A method name that {@link Methods} does not know; the message lists the nearest names and every known name by
 * family.
 */
public final class UnknownMethodException extends GradCamException {

    private static final long serialVersionUID = 1L;

    /** The closest known names, best first (may be empty). */
    private final List<String> nearest;

    /**
     * @param name    what was asked for
     * @param nearest the closest known names, best first (may be empty)
     * @param cam     the known class-activation methods
     * @param pixel   the known pixel-space methods
     */
    public UnknownMethodException(String name, List<String> nearest, List<String> cam, List<String> pixel) {
        super("unknown method '" + name + "'" + (nearest.isEmpty() ? "" : "; nearest: " + String.join(", ", nearest))
                + "; known methods: " + String.join(", ", cam) + " (class activation); " + String.join(", ", pixel)
                + " (pixel space)");
        this.nearest = List.copyOf(nearest);
    }

    /** The closest known names, best first (may be empty). */
    public List<String> nearest() {
        return nearest;
    }
}
