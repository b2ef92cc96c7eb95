package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;

/**
 * Whose semantics the methods follow where published descriptions and popular implementations disagree.
 * {@link #GRADCAM} (the default) follows the papers and their authors' code; {@link #PYTORCH_GRAD_CAM} reproduces
 * pytorch-grad-cam's master, digit for digit where its arithmetic is deterministic, so maps can be compared with it.
 * Every difference is listed in {@code docs/methods.md} ("Compatibility with pytorch-grad-cam").
 *
 * <p>Set it with {@code Explainer.Builder#compatibility}: methods are switched with
 * {@link CamMethod#compatible(Compatibility)} and the explainer's post-processing follows the same order.
 */
public enum Compatibility {

    /** The papers' formulas and the authors' code (gradcam's defaults). */
    GRADCAM,

    /**
     * pytorch-grad-cam's master: Grad-CAM++ with {@code eps = 1e-6} in the alpha denominator; Score-CAM with
     * corner-aligned mask upsampling, {@code 1e-8} in the mask normalisation and a softmax over channel scores;
     * Ablation-CAM ablating to {@code min - 1e7} (compounded within each batch of copies) unless the layer's minimum
     * is 0; FullGrad scaled per channel; heatmaps as ReLU, per-image min-max, upsampling, then the multi-layer mean
     * and a second min-max (also for one layer); aug-smoothing re-picks the top class on each augmented copy.
     */
    PYTORCH_GRAD_CAM;

    /** The command-line spelling: {@code gradcam} or {@code pytorch-grad-cam}. */
    public String cliName() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses {@link #cliName()} (case and {@code _} forgiven).
     *
     * @throws InvalidArgumentException naming the accepted values
     */
    public static Compatibility parse(String name) {
        String key = name.strip().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        for (Compatibility c : values()) {
            if (c.cliName().equals(key)) {
                return c;
            }
        }
        throw new InvalidArgumentException("unknown compatibility '" + name + "'; use gradcam or pytorch-grad-cam");
    }
}
