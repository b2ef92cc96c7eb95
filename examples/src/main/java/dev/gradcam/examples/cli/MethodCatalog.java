package dev.gradcam.examples.cli;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.spi.DifferentiableModel;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The command line's view of {@link CamMethods}: kebab-case names ({@code grad-cam}, {@code score-cam}, ...), with
 * "did you mean" suggestions and a distinct exception for unknown names. Stateless and thread-safe.
 */
public final class MethodCatalog {

    private MethodCatalog() {
    }

    /** Every method name, in {@link CamMethods#names()} order (gradient methods first). */
    public static List<String> names() {
        return CamMethods.names();
    }

    /**
     * A builder for the named method on {@code model}; set the layer, selector and so on, then build.
     *
     * @throws UnknownMethodException if the name is not known, with the nearest names
     */
    public static Explainer.Builder builder(String name, DifferentiableModel model) {
        Objects.requireNonNull(model, "model");
        return Explainer.of(model, CamMethods.byName(canonical(name)));
    }

    /**
     * The canonical spelling of a method name: case ignored, {@code _} and spaces count as {@code -}, and
     * {@code grad-cam++} means {@code grad-cam-plus-plus}.
     *
     * @throws UnknownMethodException if the name is not known
     */
    public static String canonical(String name) {
        Objects.requireNonNull(name, "name");
        String key = name.strip().toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-')
                .replace("++", "-plus-plus");
        if (!names().contains(key)) {
            throw new UnknownMethodException(name, Nearest.names(key, names(), 3), names());
        }
        return key;
    }

    /** The names, for picocli's {@code ${COMPLETION-CANDIDATES}} in help texts. */
    static final class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names().iterator();
        }
    }
}
