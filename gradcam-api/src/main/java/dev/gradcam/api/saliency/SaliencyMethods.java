package dev.gradcam.api.saliency;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.LrpModes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The built-in pixel-space {@link AttributionMethod}s by kebab-case name, the counterpart of {@link CamMethods} for
 * the methods of {@link Saliency}:
 * <ul>
 *   <li>{@code vanilla-gradient} (aliases {@code saliency}, {@code vanilla-backprop}): {@link Saliency#vanilla};</li>
 *   <li>{@code guided-backprop}: {@link Saliency#guided};</li>
 *   <li>{@code deconvnet}: {@link Saliency#deconvnet};</li>
 *   <li>{@code gradient-x-input}: {@link Saliency#gradientTimesInput};</li>
 *   <li>{@code integrated-gradients}: {@link Saliency#integratedGradients}, zero baseline, {@link Settings#steps()}
 *       Gauss-Legendre steps;</li>
 *   <li>{@code smooth-grad}: {@link Saliency#smoothGrad} over vanilla gradients, {@link Settings#samples()} noisy
 *       copies at {@link Settings#noiseLevel()} with {@link Settings#seed()};</li>
 *   <li>{@code guided-grad-cam}: {@link Saliency#guidedGradCam} at the given layer (it needs one);</li>
 *   <li>{@code lrp-epsilon}: {@link Lrp} with {@link LrpModes#epsilon} ({@link Settings#epsilon()}) everywhere;</li>
 *   <li>{@code lrp-z-plus}: {@link Lrp} with {@link LrpModes#zPlus()} everywhere.</li>
 * </ul>
 * Every method needs a backend with input gradients, and some a gradient mode (guided backpropagation, deconvnet,
 * the LRP rules): {@link #byName} fails with an {@link dev.gradcam.api.UnsupportedCapabilityException} where the
 * backend lacks it, as the factories of {@link Saliency} do. Names that are not known fail with a
 * {@link GradCamException} listing the pixel-space and the class-activation names. Stateless and thread-safe.
 */
public final class SaliencyMethods {

    /**
     * Makes one method for a model.
     */
    @FunctionalInterface
    public interface Factory {
        /**
         * The method on {@code model}.
         *
         * @param layer    the layer for methods that use one ({@link #needsLayer}), otherwise ignored (may be null)
         * @param settings steps, samples, noise, epsilon, output
         */
        AttributionMethod create(DifferentiableModel model, String layer, Settings settings);
    }

    /**
     * The settings that named methods read; each method reads only its own ({@code steps} Integrated Gradients,
     * {@code samples}, {@code noiseLevel} and {@code seed} SmoothGrad, {@code epsilon} LRP-epsilon), and every
     * method but Guided Grad-CAM {@code output}.
     *
     * @param steps      Integrated Gradients' gradient evaluations per image, at least 1
     * @param samples    SmoothGrad's noisy copies per image, at least 1
     * @param noiseLevel SmoothGrad's Gaussian noise as a fraction of each image's value range, at least 0
     * @param seed       SmoothGrad's noise seed
     * @param epsilon    LRP-epsilon's epsilon, at least 0
     * @param output     the model output (or, where the backend can, a layer) to explain; null for the first output
     */
    public record Settings(int steps, int samples, double noiseLevel, long seed, double epsilon, String output) {

        /** Integrated Gradients' default steps (Captum's). */
        public static final int DEFAULT_STEPS = 50;
        /** SmoothGrad's default number of noisy copies. */
        public static final int DEFAULT_SAMPLES = 50;
        /** SmoothGrad's default noise level. */
        public static final double DEFAULT_NOISE_LEVEL = 0.15;

        /**
         * @throws InvalidArgumentException naming the setting out of range
         */
        public Settings {
            if (steps < 1) {
                throw new InvalidArgumentException("steps must be at least 1, got " + steps);
            }
            if (samples < 1) {
                throw new InvalidArgumentException("samples must be at least 1, got " + samples);
            }
            if (!(noiseLevel >= 0) || !Double.isFinite(noiseLevel)) {
                throw new InvalidArgumentException("the noise level must be a finite number >= 0, got " + noiseLevel);
            }
            if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
                throw new InvalidArgumentException("epsilon must be a finite number >= 0, got " + epsilon);
            }
        }

        /** 50 steps, 50 samples, noise level 0.15, seed 0, epsilon {@link LrpModes#DEFAULT_EPSILON}, first output. */
        public static Settings defaults() {
            return new Settings(DEFAULT_STEPS, DEFAULT_SAMPLES, DEFAULT_NOISE_LEVEL, 0, LrpModes.DEFAULT_EPSILON,
                    null);
        }

        /** These settings with Integrated Gradients' steps. */
        public Settings withSteps(int newSteps) {
            return new Settings(newSteps, samples, noiseLevel, seed, epsilon, output);
        }

        /** These settings with SmoothGrad's noisy copies per image. */
        public Settings withSamples(int newSamples) {
            return new Settings(steps, newSamples, noiseLevel, seed, epsilon, output);
        }

        /** These settings with SmoothGrad's noise level. */
        public Settings withNoiseLevel(double newNoiseLevel) {
            return new Settings(steps, samples, newNoiseLevel, seed, epsilon, output);
        }

        /** These settings with SmoothGrad's seed. */
        public Settings withSeed(long newSeed) {
            return new Settings(steps, samples, noiseLevel, newSeed, epsilon, output);
        }

        /** These settings with LRP-epsilon's epsilon. */
        public Settings withEpsilon(double newEpsilon) {
            return new Settings(steps, samples, noiseLevel, seed, newEpsilon, output);
        }

        /** These settings explaining another model output (null: the first). */
        public Settings withOutput(String newOutput) {
            return new Settings(steps, samples, noiseLevel, seed, epsilon, newOutput);
        }
    }

    private static final String GUIDED_GRAD_CAM = "guided-grad-cam";
    private static final Map<String, Factory> BY_NAME = new LinkedHashMap<>();
    private static final Map<String, String> ALIASES = new LinkedHashMap<>();

    static {
        BY_NAME.put("vanilla-gradient", (m, l, s) -> explaining(Saliency.vanilla(m), s));
        BY_NAME.put("guided-backprop", (m, l, s) -> explaining(Saliency.guided(m), s));
        BY_NAME.put("deconvnet", (m, l, s) -> explaining(Saliency.deconvnet(m), s));
        BY_NAME.put("gradient-x-input", (m, l, s) -> GradientTimesInput.of(explaining(Saliency.vanilla(m), s)));
        BY_NAME.put("integrated-gradients", (m, l, s) -> Saliency.integratedGradients(m).steps(s.steps())
                .output(s.output()).build());
        BY_NAME.put("smooth-grad", (m, l, s) -> Saliency.smoothGrad(explaining(Saliency.vanilla(m), s))
                .samples(s.samples()).noiseLevel(s.noiseLevel()).seed(s.seed()).build());
        BY_NAME.put(GUIDED_GRAD_CAM, SaliencyMethods::guidedGradCam);
        BY_NAME.put("lrp-epsilon", (m, l, s) -> Lrp.builder(m).rule(LrpModes.epsilon(s.epsilon()))
                .output(s.output()).build());
        BY_NAME.put("lrp-z-plus", (m, l, s) -> Lrp.builder(m).rule(LrpModes.zPlus()).output(s.output()).build());
        ALIASES.put("saliency", "vanilla-gradient");
        ALIASES.put("vanilla-backprop", "vanilla-gradient");
    }

    private SaliencyMethods() {
    }

    /**
     * A built-in method with the default {@link Settings}, by kebab-case name or alias (case and surrounding blanks
     * ignored; {@code _} counts as {@code -}).
     *
     * @param layer the layer for {@code guided-grad-cam} (a tensor name, node name, module path or {@code auto});
     *              ignored by the others, which may get null
     * @throws GradCamException                               for an unknown name, listing the known ones
     * @throws InvalidArgumentException                     if {@code guided-grad-cam} gets no layer
     * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks what the method needs
     * @throws dev.gradcam.api.UnknownLayerException          if the layer matches nothing
     */
    public static AttributionMethod byName(String name, DifferentiableModel model, String layer) {
        return byName(name, model, layer, Settings.defaults());
    }

    /**
     * A built-in method with the given settings, by kebab-case name or alias.
     *
     * @throws GradCamException                               for an unknown name, listing the known ones
     * @throws InvalidArgumentException                     if {@code guided-grad-cam} gets no layer, or an output
     * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks what the method needs
     * @throws dev.gradcam.api.UnknownLayerException          if the layer or output matches nothing
     * @see #byName(String, DifferentiableModel, String)
     */
    public static AttributionMethod byName(String name, DifferentiableModel model, String layer, Settings settings) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(settings, "settings");
        return factory(name).create(model, layer, settings);
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
        Objects.requireNonNull(name, "name");
        String key = normalise(name);
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
        Objects.requireNonNull(name, "name");
        String key = normalise(name);
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

    private static String normalise(String name) {
        return name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static GradientSaliency explaining(GradientSaliency method, Settings s) {
        return s.output() == null ? method : method.explaining(s.output());
    }

    private static AttributionMethod guidedGradCam(DifferentiableModel model, String layer, Settings s) {
        if (layer == null) {
            throw new InvalidArgumentException(GUIDED_GRAD_CAM + " needs a layer for its Grad-CAM map (a tensor name, "
                    + "node name, module path or \"auto\")");
        }
        if (s.output() != null) {
            throw new InvalidArgumentException(GUIDED_GRAD_CAM + " explains the model's first output only, not '"
                    + s.output() + "'; build GuidedGradCam.of(model, explainer) for another");
        }
        return Saliency.guidedGradCam(model, layer);
    }
}
