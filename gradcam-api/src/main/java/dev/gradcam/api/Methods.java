package dev.gradcam.api;

import dev.gradcam.api.layer.EditDistance;
import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.method.MethodNames;
import dev.gradcam.api.saliency.AttributionMethod;
import dev.gradcam.api.saliency.SaliencyMethods;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one catalogue of built-in methods, both families, by name: what the command line, configuration files and
 * by-name code use. Names are kebab case and spelt as {@link MethodNames#normalise} allows ({@code Grad_CAM++},
 * {@code " HiRes-CAM "}); pixel-space aliases ({@code saliency}) give their method. Methods come with their defaults;
 * change them with the returned class-activation method's {@code with...} methods, or build a pixel-space method
 * with its builder ({@code Saliency.integratedGradients(model).steps(64)...}) instead.
 *
 * <pre>{@code
 * Explainer e = Explainer.of(model, Methods.cam("grad-cam++")).layer("layer4").build();
 * AttributionMethod ig = Methods.attribution("integrated-gradients", model, null);
 * }</pre>
 *
 * Stateless and thread-safe.
 */
public final class Methods {

    /** The two families, which differ in what they explain and return. */
    public enum Family {
        /** Class-activation maps at a layer, made by an {@link Explainer}: {@link CamMethods}. */
        CLASS_ACTIVATION,
        /** Attributions at the input pixels, an {@link AttributionMethod}: {@link SaliencyMethods}. */
        PIXEL_SPACE
    }

    private Methods() {
    }

    /** Every canonical name: the class-activation methods, then the pixel-space methods. */
    public static List<String> names() {
        List<String> all = new ArrayList<>(CamMethods.names());
        all.addAll(SaliencyMethods.names());
        return List.copyOf(all);
    }

    /** The canonical names of one family, in a stable order. */
    public static List<String> names(Family family) {
        return family == Family.CLASS_ACTIVATION ? CamMethods.names() : SaliencyMethods.names();
    }

    /** The aliases, each to its canonical name (pixel-space only, e.g. {@code saliency}). */
    public static Map<String, String> aliases() {
        return SaliencyMethods.aliases();
    }

    /**
     * The canonical name: {@code "Grad_CAM++"} gives {@code grad-cam-plus-plus}, {@code "Saliency"} gives
     * {@code vanilla-gradient}.
     *
     * @throws UnknownMethodException naming the nearest known names and every known name
     */
    public static String canonical(String name) {
        InvalidArgumentException.requireNonNull(name, "name");
        String key = MethodNames.normalise(name);
        if (CamMethods.names().contains(key)) {
            return key;
        }
        if (SaliencyMethods.isKnown(key)) {
            return SaliencyMethods.canonical(key);
        }
        List<String> candidates = new ArrayList<>(names());
        candidates.addAll(aliases().keySet());
        throw new UnknownMethodException(name, EditDistance.nearest(key, candidates, 3), CamMethods.names(),
                SaliencyMethods.names());
    }

    /**
     * The family of a method.
     *
     * @throws UnknownMethodException if the name is not known
     */
    public static Family family(String name) {
        return CamMethods.names().contains(canonical(name)) ? Family.CLASS_ACTIVATION : Family.PIXEL_SPACE;
    }

    /**
     * A class-activation method with its defaults, for {@link Explainer#of}.
     *
     * @throws UnknownMethodException   if the name is not known
     * @throws InvalidArgumentException if it names a pixel-space method
     */
    public static CamMethod cam(String name) {
        String key = canonical(name);
        if (family(key) != Family.CLASS_ACTIVATION) {
            throw new InvalidArgumentException("'" + key + "' is a pixel-space method, not a class-activation "
                    + "method: use Methods.attribution");
        }
        return CamMethods.byName(key);
    }

    /**
     * A pixel-space method with its defaults on {@code model}, explaining the first output.
     *
     * @param layer the layer of methods that read one ({@link #needsLayer}), otherwise ignored (may be null)
     * @throws UnknownMethodException                if the name is not known
     * @throws InvalidArgumentException              if it names a class-activation method, or a method that needs a
     *                                               layer gets none
     * @throws UnsupportedCapabilityException        if the backend lacks what the method needs
     */
    public static AttributionMethod attribution(String name, DifferentiableModel model, String layer) {
        return attribution(name, model, layer, null);
    }

    /**
     * A pixel-space method with its defaults on {@code model}, explaining {@code output}.
     *
     * @param output the model output (or, where the backend can, a layer) to explain; null for the first
     * @throws UnknownMethodException         if the name is not known
     * @throws InvalidArgumentException       if it names a class-activation method, or the method cannot explain
     *                                        {@code output} or needs a layer it did not get
     * @throws UnsupportedCapabilityException if the backend lacks what the method needs
     * @see #attribution(String, DifferentiableModel, String)
     */
    public static AttributionMethod attribution(String name, DifferentiableModel model, String layer,
                                                String output) {
        InvalidArgumentException.requireNonNull(model, "model");
        String key = canonical(name);
        if (family(key) != Family.PIXEL_SPACE) {
            throw new InvalidArgumentException("'" + key + "' is a class-activation method, not a pixel-space "
                    + "method: use Methods.cam with an Explainer");
        }
        return SaliencyMethods.byName(key, model, layer, output);
    }

    /**
     * True for the pixel-space methods that read a layer ({@code guided-grad-cam}); false for the class-activation
     * methods, whose layer the {@link Explainer} holds.
     *
     * @throws UnknownMethodException if the name is not known
     */
    public static boolean needsLayer(String name) {
        String key = canonical(name);
        return family(key) == Family.PIXEL_SPACE && SaliencyMethods.needsLayer(key);
    }
}
