package dev.gradcam.api.visualize;

import dev.gradcam.api.InvalidArgumentException;

/** Stochastic gradient descent with heavy-ball momentum, as PyTorch's {@code SGD}: {@code v = mu v + g; x -= lr v}. */
record Sgd(double learningRate, double momentum) implements Optimizer {

    Sgd {
        Optimizers.checkPositive("learning rate", learningRate);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new InvalidArgumentException("momentum must be in [0, 1), got " + momentum);
        }
    }

    @Override
    public State start(int size) {
        double[] v = new double[size];
        return (x, g) -> {
            for (int i = 0; i < x.length; i++) {
                v[i] = momentum * v[i] + g[i];
                x[i] -= (float) (learningRate * v[i]);
            }
        };
    }

    @Override
    public String describe() {
        return "sgd(lr=" + learningRate + (momentum == 0 ? "" : ", momentum=" + momentum) + ")";
    }
}
