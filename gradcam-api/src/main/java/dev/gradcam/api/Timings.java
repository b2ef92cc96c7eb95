package dev.gradcam.api;

import java.time.Duration;

/**
 * Wall-clock time spent in each stage of one explanation.
 *
 * @param backend        forward and backward passes in the backend
 * @param maps           weights, selection and combination, including the passes a method runs itself (Score-CAM's
 *                       masked images, Ablation-CAM's head batches)
 * @param postProcessing activation, normalisation, upsampling
 * @param total          everything
 */
public record Timings(Duration backend, Duration maps, Duration postProcessing, Duration total) {

    /** Like {@code backend 61.2 ms, maps 3.4 ms, post-processing 1.0 ms, total 65.9 ms}: for logs and consoles. */
    @Override
    public String toString() {
        return "backend " + millis(backend) + ", maps " + millis(maps) + ", post-processing " + millis(postProcessing)
                + ", total " + millis(total);
    }

    /**
     * A duration as people read it, in milliseconds with one decimal ({@code 645.0 ms}) rather than
     * {@link Duration#toString()}'s {@code PT0.645S}; {@code -} for null.
     */
    public static String millis(Duration d) {
        return d == null ? "-" : String.format(java.util.Locale.ROOT, "%.1f ms", d.toNanos() / 1e6);
    }
}
