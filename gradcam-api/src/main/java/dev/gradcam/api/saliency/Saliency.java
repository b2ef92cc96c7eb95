package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LrpModes;

/**
 * Entry point for pixel-space attribution methods, with names that read as the methods' names.
 *
 * <pre>{@code
 * Attribution a = Saliency.smoothGrad(Saliency.guided(model)).samples(50).noiseLevel(0.15).seed(7).build()
 *         .attribute(images, Targets.classLogit(56));
 * SaliencyMaps.writePngs(a, Path.of("out"), "snake");
 * }</pre>
 *
 * <p>Every method needs a backend with {@link dev.gradcam.api.spi.Capability#INPUT_GRADIENT} and fails when built
 * on one without it, with an {@link dev.gradcam.api.UnsupportedCapabilityException} that says so.
 */
public final class Saliency {

    private Saliency() {
    }

    /** Vanilla backpropagation: the plain input gradient. */
    public static GradientSaliency vanilla(DifferentiableModel model) {
        return GradientSaliency.of(model, GradientMode.STANDARD);
    }

    /** Guided backpropagation. */
    public static GradientSaliency guided(DifferentiableModel model) {
        return GradientSaliency.of(model, GradientMode.GUIDED);
    }

    /** Deconvnet. */
    public static GradientSaliency deconvnet(DifferentiableModel model) {
        return GradientSaliency.of(model, GradientMode.DECONVNET);
    }

    /** Gradient x Input with vanilla gradients. */
    public static GradientTimesInput gradientTimesInput(DifferentiableModel model) {
        return GradientTimesInput.of(vanilla(model));
    }

    /** SmoothGrad over {@code base} (vanilla or guided, typically); choose the variant on the builder. */
    public static SmoothGrad.Builder smoothGrad(AttributionMethod base) {
        return SmoothGrad.builder(base);
    }

    /** Integrated Gradients; choose baseline, steps and quadrature on the builder. */
    public static IntegratedGradients.Builder integratedGradients(DifferentiableModel model) {
        return IntegratedGradients.builder(model);
    }

    /** Guided Grad-CAM at {@code layer}. */
    public static GuidedGradCam guidedGradCam(DifferentiableModel model, String layer) {
        return GuidedGradCam.of(model, layer);
    }

    /** LRP-epsilon everywhere. */
    public static Lrp lrpEpsilon(DifferentiableModel model, double epsilon) {
        return Lrp.builder(model).rule(LrpModes.epsilon(epsilon)).build();
    }

    /** LRP with a rule and an input-layer rule, e.g. alpha-beta with z-box; more settings on {@link Lrp#builder}. */
    public static Lrp lrp(DifferentiableModel model, GradientMode rule, GradientMode inputLayerRule) {
        return Lrp.builder(model).rule(rule).inputLayerRule(inputLayerRule).build();
    }

    /** Layer activation with guided backpropagation at {@code layer}. */
    public static FeatureMapGradient featureMapGradient(DifferentiableModel model, String layer) {
        return FeatureMapGradient.guided(model, layer);
    }
}
