package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.method.MethodNames;
import dev.gradcam.api.spi.LrpModes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built-in pixel-space {@link AttributionMethod}s by kebab-case name, with their defaults, the counterpart of
 * {@link CamMethods} for the methods of {@link Saliency}:
 * <ul>
 *   <li>{@code vanilla-gradient} (aliases {@code saliency}, {@code vanilla-backprop}): {@link Saliency#vanilla};</li>
 *   <li>{@code guided-backprop}: {@link Saliency#guided};</li>
 *   <li>{@code deconvnet}: {@link Saliency#deconvnet};</li>
 *   <li>{@code gradient-x-input}: {@link Saliency#gradientTimesInput};</li>
 *   <li>{@code integrated-gradients}: {@link Saliency#integratedGradients}, zero baseline,
 *       {@link IntegratedGradients#DEFAULT_STEPS} Gauss-Legendre steps;</li>
 *   <li>{@code smooth-grad}: {@link Saliency#smoothGrad} over vanilla gradients, {@link SmoothGrad#DEFAULT_SAMPLES}
 *       noisy copies at {@link SmoothGrad#DEFAULT_NOISE_LEVEL}, seed 0;</li>
 *   <li>{@code guided-grad-cam}: {@link Saliency#guidedGradCam} at the given layer (it needs one);</li>
 *   <li>{@code lrp-epsilon}: {@link Lrp} with {@link LrpModes#epsilon} ({@link LrpModes#DEFAULT_EPSILON}) everywhere;</li>
 *   <li>{@code lrp-z-plus}: {@link Lrp} with {@link LrpModes#zPlus()} everywhere.</li>
 * </ul>
 * Other settings come from the methods' builders ({@link Saliency#integratedGradients}, ...), the one way to
 * configure a method. Every method needs a backend with input gradients, and some a gradient mode (guided
 * backpropagation, deconvnet, the LRP rules): {@link #byName} fails with an
 * {@link dev.gradcam.api.UnsupportedCapabilityException} where the backend lacks it, as the factories of
 * {@link Saliency} do. {@code dev.gradcam.api.Methods} looks up both method families. Stateless and thread-safe.
 */
public final class SaliencyMethods {

    /** Makes one method, with its defaults, for a model. */
    @FunctionalInterface
    public interface Factory {
        /**
         * The method on {@code model}.
         *
         * @param layer  the layer for methods that use one ({@link #needsLayer}), otherwise ignored (may be null)
         * @param output the model output (or, where the backend can, a layer) to explain; null for the first
         */
        AttributionMethod create(DifferentiableModel model, String layer, String output);
    }

    private static final String GUIDED_GRAD_CAM = "guided-grad-cam";
    private static final Map<String, Factory> BY_NAME = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        BY_NAME.put("vanilla-gradient", (m, l, o) -> explaining(Saliency.vanilla(m), o));
        BY_NAME.put("guided-backprop", (m, l, o) -> explaining(Saliency.guided(m), o));
        BY_NAME.put("deconvnet", (m, l, o) -> explaining(Saliency.deconvnet(m), o));
        BY_NAME.put("gradient-x-input", (m, l, o) -> GradientTimesInput.of(explaining(Saliency.vanilla(m), o)));
        BY_NAME.put("integrated-gradients", (m, l, o) -> Saliency.integratedGradients(m).output(o).build());
        BY_NAME.put("smooth-grad", (m, l, o) -> Saliency.smoothGrad(explaining(Saliency.vanilla(m), o)).build());
        BY_NAME.put(GUIDED_GRAD_CAM, SaliencyMethods::guidedGradCam);
        BY_NAME.put("lrp-epsilon", (m, l, o) -> Lrp.builder(m).rule(LrpModes.epsilon(LrpModes.DEFAULT_EPSILON))
                .output(o).build());
        BY_NAME.put("lrp-z-plus", (m, l, o) -> Lrp.builder(m).rule(LrpModes.zPlus()).output(o).build());
        ALIASES.put("saliency", "vanilla-gradient");
        ALIASES.put("vanilla-backprop", "vanilla-gradient");
    }

    private SaliencyMethods() {
    }

    /**
     * A built-in method with its defaults, explaining the model's first output, by kebab-case name or alias (spelt
     * as {@link MethodNames#normalise} allows).
     *
     * @param layer the layer for {@code guided-grad-cam} (a tensor name, node name, module path or {@code auto});
     *              ignored by the others, which may get null
     * @throws GradCamException                               for an unknown name, listing the known ones
     * @throws InvalidArgumentException                       if {@code guided-grad-cam} gets no layer
     * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks what the method needs
     * @throws dev.gradcam.api.UnknownLayerException          if the layer matches nothing
     */
    public static AttributionMethod byName(String name, DifferentiableModel model, String layer) {
        return byName(name, model, layer, null);
    }

    /**
     * A built-in method with its defaults, explaining {@code output}, by kebab-case name or alias.
     *
     * @param output the model output (or, where the backend can, a layer) to explain; null for the first
     * @throws GradCamException                               for an unknown name, listing the known ones
     * @throws InvalidArgumentException                       if {@code guided-grad-cam} gets no layer, or an output
     * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks what the method needs
     * @throws dev.gradcam.api.UnknownLayerException          if the layer or output matches nothing
     * @see #byName(String, DifferentiableModel, String)
     */
    public static AttributionMethod byName(String name, DifferentiableModel model, String layer, String output) {
        InvalidArgumentException.requireNonNull(model, "model");
        return factory(name).create(model, layer, output);
    }

    /**
     * The factory behind a name or alias.
     *
     * @throws GradCamException for an unknown name, listing the known ones
     */
    public static Factory factory(String name) {
        return BY_NAME.get(canonical(name));
    }

    /**
     * The canonical name for a name or alias: {@code " Saliency "} gives {@code vanilla-gradient}.
     *
     * @throws GradCamException for an unknown name, listing the pixel-space and the class-activation names
     */
    public static String canonical(String name) {
        String key = MethodNames.normalise(name);
        key = ALIASES.getOrDefault(key, key);
        if (BY_NAME.containsKey(key)) {
            return key;
        }
        String hint = CamMethods.names().contains(key)
                ? "; '" + key + "' is a class-activation method: use CamMethods.byName with an Explainer" : "";
        throw new GradCamException("unknown pixel-space method '" + name + "'" + hint + "; pixel-space methods: "
                + String.join(", ", names()) + " (aliases: " + String.join(", ", ALIASES.keySet())
                + "); class-activation methods (CamMethods): " + String.join(", ", CamMethods.names()));
    }

    /** True if {@code name} is a known name or alias (spelt as {@link #byName} accepts it). */
    public static boolean isKnown(String name) {
        String key = MethodNames.normalise(name);
        return BY_NAME.containsKey(ALIASES.getOrDefault(key, key));
    }

    /**
     * True for the methods that read a layer ({@code guided-grad-cam}).
     *
     * @throws GradCamException for an unknown name
     */
    public static boolean needsLayer(String name) {
        return canonical(name).equals(GUIDED_GRAD_CAM);
    }

    /** Every built-in method's canonical name, in a stable order (single gradient passes first). */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }

    /** The aliases, each to its canonical name. */
    public static Map<String, String> aliases() {
        return Collections.unmodifiableMap(ALIASES);
    }

    private static GradientSaliency explaining(GradientSaliency method, String output) {
        return output == null ? method : method.explaining(output);
    }

    private static AttributionMethod guidedGradCam(DifferentiableModel model, String layer, String output) {
        if (layer == null) {
            throw new InvalidArgumentException(GUIDED_GRAD_CAM + " needs a layer for its Grad-CAM map (a tensor name, "
                    + "node name, module path or \"auto\")");
        }
        if (output != null) {
            throw new InvalidArgumentException(GUIDED_GRAD_CAM + " explains the model's first output only, not '"
                    + output + "'; build GuidedGradCam.of(model, explainer) for another");
        }
        return Saliency.guidedGradCam(model, layer);
    }
}
