package dev.gradcam.api.visualize;

import dev.gradcam.api.InvalidArgumentException;

/** Factories for {@link Optimizer}s. */
public final class Optimizers {

    private Optimizers() {
    }

    /** Plain gradient descent, {@code x -= lr g}. */
    public static Optimizer sgd(double learningRate) {
        return new Sgd(learningRate, 0);
    }

    /** Gradient descent with momentum, as PyTorch's {@code SGD(lr, momentum)}. */
    public static Optimizer sgd(double learningRate, double momentum) {
        return new Sgd(learningRate, momentum);
    }

    /** Adam with PyTorch's defaults (betas 0.9, 0.999; epsilon 1e-8). */
    public static Optimizer adam(double learningRate) {
        return new Adam(learningRate, 0.9, 0.999, 1e-8);
    }

    /** Adam with explicit settings. */
    public static Optimizer adam(double learningRate, double beta1, double beta2, double epsilon) {
        return new Adam(learningRate, beta1, beta2, epsilon);
    }

    /** Steps of {@code stepSize} along the gradient scaled by its mean absolute value (DeepDream's update). */
    public static Optimizer normalizedStep(double stepSize) {
        return new NormalizedStep(stepSize);
    }

    static void checkPositive(String what, double v) {
        if (!(v > 0) || !Double.isFinite(v)) {
            throw new InvalidArgumentException(what + " must be a finite number > 0, got " + v);
        }
    }
}
