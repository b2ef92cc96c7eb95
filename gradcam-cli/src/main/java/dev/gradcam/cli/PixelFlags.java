package dev.gradcam.cli;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Methods;
import dev.gradcam.api.saliency.AttributionMethod;
import dev.gradcam.api.saliency.IntegratedGradients;
import dev.gradcam.api.saliency.Lrp;
import dev.gradcam.api.saliency.Saliency;
import dev.gradcam.api.saliency.SmoothGrad;
import dev.gradcam.api.spi.LrpModes;

/**
 * The pixel-space methods' command-line settings, put onto the methods' builders; the methods without a setting
 * come from {@link Methods#attribution} with their defaults. The commands validate the values (naming the option).
 *
 * @param steps      {@code --steps}: Integrated Gradients' gradient evaluations per image
 * @param samples    {@code --samples}: SmoothGrad's noisy copies per image
 * @param noiseLevel {@code --noise}: SmoothGrad's noise as a fraction of each image's value range
 * @param seed       {@code --seed}: SmoothGrad's noise seed
 * @param epsilon    {@code --epsilon}: LRP-epsilon's stabiliser
 */
record PixelFlags(int steps, int samples, double noiseLevel, long seed, double epsilon) {

    /** The methods' own defaults. */
    static PixelFlags defaults() {
        return new PixelFlags(IntegratedGradients.DEFAULT_STEPS, SmoothGrad.DEFAULT_SAMPLES,
                SmoothGrad.DEFAULT_NOISE_LEVEL, 0, LrpModes.DEFAULT_EPSILON);
    }

    /**
     * The named pixel-space method on {@code model} with these settings, explaining {@code output} (null: the first
     * output).
     */
    AttributionMethod method(String name, DifferentiableModel model, String layer, String output) {
        String key = Methods.canonical(name);
        return switch (key) {
            case "integrated-gradients" -> Saliency.integratedGradients(model).steps(steps).output(output).build();
            case "smooth-grad" -> Saliency.smoothGrad(Methods.attribution("vanilla-gradient", model, null, output))
                    .samples(samples).noiseLevel(noiseLevel).seed(seed).build();
            case "lrp-epsilon" -> Lrp.builder(model).rule(LrpModes.epsilon(epsilon)).output(output).build();
            default -> Methods.attribution(key, model, layer, output);
        };
    }
}
