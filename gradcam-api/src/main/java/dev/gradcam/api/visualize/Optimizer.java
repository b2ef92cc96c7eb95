package dev.gradcam.api.visualize;

/**
 * How an image is updated from the gradient of a loss (to be minimised). Build with {@link Optimizers}.
 * Implementations are immutable and thread-safe; the state of one optimisation lives in its {@link State}.
 */
public interface Optimizer {

    /** Fresh state for an image of {@code size} elements. */
    State start(int size);

    /** Settings in a line, for provenance, e.g. {@code adam(lr=0.1)}. */
    String describe();

    /** The running state of one optimisation (moments, velocities). Not thread-safe. */
    interface State {
        /** Updates {@code x} in place against {@code gradient} (the loss gradient at {@code x}). */
        void step(float[] x, float[] gradient);
    }
}
