package dev.gradcam.cli;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.saliency.AttributionMethod;
import dev.gradcam.api.saliency.SaliencyMethods;
import dev.gradcam.api.DifferentiableModel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The command line's view of the methods, in kebab case: the class-activation family of {@link CamMethods}
 * ({@code grad-cam}, {@code score-cam}, ...) and the pixel-space family of {@link SaliencyMethods}
 * ({@code guided-backprop}, {@code integrated-gradients}, ...), with "did you mean" suggestions and a distinct
 * exception for unknown names. Stateless and thread-safe.
 */
public final class MethodCatalog {

    private MethodCatalog() {
    }

    /** Every method name: the class-activation methods, then the pixel-space methods. */
    public static List<String> names() {
        List<String> all = new ArrayList<>(camNames());
        all.addAll(pixelNames());
        return List.copyOf(all);
    }

    /** The class-activation methods, in {@link CamMethods#names()} order (gradient methods first). */
    public static List<String> camNames() {
        return CamMethods.names();
    }

    /** The pixel-space methods, in {@link SaliencyMethods#names()} order. */
    public static List<String> pixelNames() {
        return SaliencyMethods.names();
    }

    /** True if the canonical name is a pixel-space method. */
    public static boolean isPixel(String canonicalName) {
        return pixelNames().contains(canonicalName);
    }

    /**
     * A builder for the named class-activation method on {@code model}; set the layer, selector and so on, then build.
     *
     * @throws UnknownMethodException if the name is not known
     * @throws IllegalArgumentException if it names a pixel-space method
     */
    public static Explainer.Builder builder(String name, DifferentiableModel model) {
        Objects.requireNonNull(model, "model");
        String key = canonical(name);
        if (isPixel(key)) {
            throw new IllegalArgumentException("'" + key + "' is a pixel-space method, not a class-activation method");
        }
        return Explainer.of(model, CamMethods.byName(key));
    }

    /**
     * The named pixel-space method on {@code model}.
     *
     * @param layer the layer for methods that read one (guided-grad-cam)
     * @throws UnknownMethodException if the name is not known
     * @throws IllegalArgumentException if it names a class-activation method, or the settings do not suit the method
     * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks what the method needs
     */
    public static AttributionMethod attribution(String name, DifferentiableModel model, String layer,
                                                SaliencyMethods.Settings settings) {
        Objects.requireNonNull(model, "model");
        String key = canonical(name);
        if (!isPixel(key)) {
            throw new IllegalArgumentException("'" + key + "' is a class-activation method, not a pixel-space method");
        }
        return SaliencyMethods.byName(key, model, layer, settings);
    }

    /**
     * The canonical spelling of a method name: case ignored, {@code _} and spaces count as {@code -},
     * {@code grad-cam++} means {@code grad-cam-plus-plus}, and aliases ({@code saliency}) give their method's name.
     *
     * @throws UnknownMethodException if the name is not known
     */
    public static String canonical(String name) {
        Objects.requireNonNull(name, "name");
        String key = name.strip().toLowerCase(Locale.ROOT).replace('_', '-').replace(' ', '-')
                .replace("++", "-plus-plus");
        if (camNames().contains(key)) {
            return key;
        }
        if (SaliencyMethods.isKnown(key)) {
            return SaliencyMethods.canonical(key);
        }
        List<String> candidates = new ArrayList<>(names());
        candidates.addAll(SaliencyMethods.aliases().keySet());
        throw new UnknownMethodException(name, Nearest.names(key, candidates, 3), camNames(), pixelNames());
    }

    /**
     * The methods for help texts, grouped by family, wrapped at {@code width} columns, each line indented by two
     * spaces.
     */
    static String help(int width) {
        Map<String, List<String>> aliases = SaliencyMethods.aliases().entrySet().stream()
                .collect(Collectors.groupingBy(Map.Entry::getValue,
                        Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
        List<String> pixel = new ArrayList<>();
        for (String n : pixelNames()) {
            List<String> a = aliases.get(n);
            pixel.add(a == null ? n : n + " (alias" + (a.size() > 1 ? "es " : " ") + String.join(", ", a) + ")");
        }
        StringBuilder sb = new StringBuilder();
        wrap(List.of("Class activation, a map at --layer (--selector and --activation apply):"), "  ", width, sb);
        wrap(commas(camNames()), "    ", width, sb);
        wrap(List.of("Pixel space, attributions at the input (--steps, --samples, --noise, --seed and --epsilon "
                + "apply; guided-grad-cam also reads --layer):"), "  ", width, sb);
        wrap(commas(pixel), "    ", width, sb);
        return sb.toString();
    }

    private static List<String> commas(List<String> items) {
        List<String> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(items.get(i) + (i + 1 < items.size() ? "," : ""));
        }
        return out;
    }

    /** Appends the texts' words as lines of at most {@code width} columns (longer words stay whole). */
    private static void wrap(List<String> texts, String indent, int width, StringBuilder sb) {
        StringBuilder line = new StringBuilder(indent);
        for (String text : texts) {
            for (String w : text.split(" ")) {
                if (line.length() > indent.length() && line.length() + 1 + w.length() > width) {
                    sb.append(line).append('\n');
                    line = new StringBuilder(indent);
                }
                if (line.length() > indent.length()) {
                    line.append(' ');
                }
                line.append(w);
            }
        }
        sb.append(line).append('\n');
    }

    /** Every name, for picocli's {@code ${COMPLETION-CANDIDATES}} and shell completion. */
    static final class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return names().iterator();
        }
    }

    /** The class-activation names, for commands that take only those ({@code demo}). */
    static final class CamCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return camNames().iterator();
        }
    }
}
