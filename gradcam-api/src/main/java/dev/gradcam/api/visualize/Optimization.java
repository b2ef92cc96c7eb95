package dev.gradcam.api.visualize;

import dev.gradcam.api.InvalidArgumentException;

/**
 * How an image is optimised: number of steps, optimiser, regularisation, random seed (start noise and jitter) and a
 * progress listener. Runs with the same settings and seed give equal images.
 *
 * @param steps          gradient steps (per octave, for DeepDream)
 * @param optimizer      the update rule
 * @param regularization penalties and transforms
 * @param seed           seeds every random choice
 * @param listener       hears each step
 */
public record Optimization(int steps, Optimizer optimizer, Regularization regularization, long seed,
                           OptimizationListener listener) {

    /** @throws InvalidArgumentException if steps is below 1 */
    public Optimization {
        if (steps < 1) {
            throw new InvalidArgumentException("steps must be at least 1, got " + steps);
        }
        InvalidArgumentException.requireNonNull(optimizer, "optimizer");
        InvalidArgumentException.requireNonNull(regularization, "regularization");
        InvalidArgumentException.requireNonNull(listener, "listener");
    }

    /** {@code steps} of {@code optimizer}, no regularisation, seed 0, no listener. */
    public static Optimization of(int steps, Optimizer optimizer) {
        return new Optimization(steps, optimizer, Regularization.none(), 0, OptimizationListener.NONE);
    }

    /** This with {@code n} steps. */
    public Optimization withSteps(int n) {
        return new Optimization(n, optimizer, regularization, seed, listener);
    }

    /** This with another optimiser. */
    public Optimization withOptimizer(Optimizer o) {
        return new Optimization(steps, o, regularization, seed, listener);
    }

    /** This with another regularisation. */
    public Optimization withRegularization(Regularization r) {
        return new Optimization(steps, optimizer, r, seed, listener);
    }

    /** This with another seed. */
    public Optimization withSeed(long s) {
        return new Optimization(steps, optimizer, regularization, s, listener);
    }

    /** This with a progress listener. */
    public Optimization withListener(OptimizationListener l) {
        return new Optimization(steps, optimizer, regularization, seed, l);
    }
}
