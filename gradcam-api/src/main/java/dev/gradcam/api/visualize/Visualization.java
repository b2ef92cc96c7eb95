package dev.gradcam.api.visualize;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.Provenance;
import dev.gradcam.api.Timings;
import dev.gradcam.api.saliency.SaliencyMaps;
import dev.gradcam.api.tensor.FloatTensor;
import java.time.Duration;

/**
 * The result of an optimisation-based visualisation: the images, in the model's input space, and the objective
 * before, during and after. Immutable and thread-safe.
 *
 * <p>The images are what the model sees (normalised values); turn them into pictures with
 * {@link dev.gradcam.api.image.Images#toImage} and the model's preprocessing, or with {@link #displayImages()}.
 */
public final class Visualization {

    private final String method;
    private final FloatTensor images;
    private final double[][] history;
    private final double[] initial;
    private final double[] result;
    private final boolean maximized;
    private final Provenance provenance;
    private final Duration elapsed;

    /**
     * @param method     the method's kebab-case name
     * @param images     the optimised images {@code [N, C, H, W]}
     * @param history    the objective at every step, {@code history[step][image]}
     * @param initial    each image's objective at the start image
     * @param result     each image's objective at the final image
     * @param maximized  true if the objective was raised, false if lowered
     * @param provenance method, layer, backend
     * @param elapsed    wall-clock time
     */
    public Visualization(String method, FloatTensor images, double[][] history, double[] initial, double[] result,
                         boolean maximized, Provenance provenance, Duration elapsed) {
        InvalidArgumentException.requireNonNull(history, "history");
        InvalidArgumentException.requireNonNull(initial, "initial");
        InvalidArgumentException.requireNonNull(result, "result");
        InvalidArgumentException.requireNonNull(provenance, "provenance");
        InvalidArgumentException.requireNonNull(elapsed, "elapsed");
        this.method = InvalidArgumentException.requireNonNull(method, "method");
        this.images = InvalidArgumentException.requireNonNull(images, "images");
        this.history = new double[history.length][];
        for (int s = 0; s < history.length; s++) {
            this.history[s] = history[s].clone();
        }
        this.initial = initial.clone();
        this.result = result.clone();
        this.maximized = maximized;
        this.provenance = InvalidArgumentException.requireNonNull(provenance, "provenance");
        this.elapsed = InvalidArgumentException.requireNonNull(elapsed, "elapsed");
    }

    /** The method's kebab-case name, e.g. {@code deep-dream}. */
    public String method() {
        return method;
    }

    /** The optimised images {@code [N, C, H, W]}, in the model's input space. */
    public FloatTensor images() {
        return images;
    }

    /** Image {@code i} {@code [C, H, W]} (a view). */
    public FloatTensor image(int i) {
        return images.slice(i);
    }

    /** Each image min-max scaled to [0, 1] over its channels and pixels, for display without the preprocessing. */
    public FloatTensor displayImages() {
        return SaliencyMaps.colour(images);
    }

    /** Number of images. */
    public int size() {
        return initial.length;
    }

    /** Number of steps recorded. */
    public int steps() {
        return history.length;
    }

    /** Image {@code i}'s objective at every step (evaluated before that step's update, on the jittered image). */
    public double[] objectiveHistory(int i) {
        double[] h = new double[history.length];
        for (int s = 0; s < h.length; s++) {
            h[s] = history[s][i];
        }
        return h;
    }

    /** The batch's mean objective at every step. */
    public double[] meanObjectiveHistory() {
        double[] h = new double[history.length];
        for (int s = 0; s < h.length; s++) {
            for (double v : history[s]) {
                h[s] += v / history[s].length;
            }
        }
        return h;
    }

    /** Image {@code i}'s objective at its start image. */
    public double initialObjective(int i) {
        return initial[i];
    }

    /** Image {@code i}'s objective at its final image. */
    public double finalObjective(int i) {
        return result[i];
    }

    /** True if the objective was raised (activations, scores), false if lowered (a reconstruction loss). */
    public boolean maximized() {
        return maximized;
    }

    /** Method with its settings, layer, backend and versions. */
    public Provenance provenance() {
        return provenance;
    }

    /** Wall-clock time the optimisation took. */
    public Duration elapsed() {
        return elapsed;
    }

    /** Like {@code Visualization[deep-dream, images [1, 3, 224, 224], 6410.2 ms]}. */
    @Override
    public String toString() {
        return "Visualization[" + method() + ", images " + images().shape() + ", " + Timings.millis(elapsed) + "]";
    }
}
