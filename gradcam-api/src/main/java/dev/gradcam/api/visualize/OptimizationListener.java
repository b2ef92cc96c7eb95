package dev.gradcam.api.visualize;

/**
 * Hears each step of an optimisation, e.g. to log the objective or save intermediate images. Called on the
 * optimising thread; keep it fast and do not throw.
 */
@FunctionalInterface
public interface OptimizationListener {

    /** A listener that ignores everything. */
    OptimizationListener NONE = progress -> { };

    /** Called after every step. */
    void onStep(Progress progress);
}
