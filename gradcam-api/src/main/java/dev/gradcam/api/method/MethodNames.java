package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import java.util.Locale;

/**
 * How method names are spelt: the one normalisation every by-name lookup applies ({@link CamMethods#byName},
 * {@code SaliencyMethods}, {@code dev.gradcam.api.Methods}, the command line). Stateless.
 */
public final class MethodNames {

    private MethodNames() {
    }

    /**
     * The kebab-case key for a name: surrounding blanks and case ignored, {@code _} and spaces count as {@code -},
     * {@code ++} means {@code -plus-plus} ({@code Grad_CAM++} gives {@code grad-cam-plus-plus}). Aliases are the
     * catalogue's business, not this method's.
     */
    public static String normalise(String name) {
        InvalidArgumentException.requireNonNull(name, "name");
        return name.strip().toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-').replace("++", "-plus-plus");
    }
}
