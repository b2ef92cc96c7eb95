package dev.gradcam.examples.cli;

import dev.gradcam.api.GradCamException;
import java.util.List;

/** A method name that the {@link MethodCatalog} does not know; the message lists the nearest and all known names. */
public final class UnknownMethodException extends GradCamException {

    private static final long serialVersionUID = 1L;

    /**
     * @param name    what was asked for
     * @param nearest the closest known names, best first (may be empty)
     * @param known   every known name
     */
    public UnknownMethodException(String name, List<String> nearest, List<String> known) {
        super("unknown method '" + name + "'" + (nearest.isEmpty() ? "" : "; nearest: " + String.join(", ", nearest))
                + "; known methods: " + String.join(", ", known));
    }
}
