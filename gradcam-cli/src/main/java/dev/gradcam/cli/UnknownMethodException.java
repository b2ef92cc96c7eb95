package dev.gradcam.cli;

import dev.gradcam.api.GradCamException;
import java.util.List;

/**
 * A method name that the {@link MethodCatalog} does not know; the message lists the nearest names and all known names
 * by family.
 */
public final class UnknownMethodException extends GradCamException {

    private static final long serialVersionUID = 1L;

    /**
     * @param name    what was asked for
     * @param nearest the closest known names, best first (may be empty)
     * @param known   every known name
     */
    public UnknownMethodException(String name, List<String> nearest, List<String> known) {
        super(prefix(name, nearest) + String.join(", ", known));
    }

    /**
     * @param name  what was asked for
     * @param nearest the closest known names, best first (may be empty)
     * @param cam   the known class-activation methods
     * @param pixel the known pixel-space methods
     */
    public UnknownMethodException(String name, List<String> nearest, List<String> cam, List<String> pixel) {
        super(prefix(name, nearest) + String.join(", ", cam) + " (class activation); " + String.join(", ", pixel)
                + " (pixel space)");
    }

    private static String prefix(String name, List<String> nearest) {
        return "unknown method '" + name + "'" + (nearest.isEmpty() ? "" : "; nearest: " + String.join(", ", nearest))
                + "; known methods: ";
    }
}
