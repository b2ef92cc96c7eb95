package dev.gradcam.api.visualize;

import dev.gradcam.api.InvalidArgumentException;

/** Adam (Kingma and Ba 2015) with bias correction, as PyTorch's {@code Adam}. */
record Adam(double learningRate, double beta1, double beta2, double epsilon) implements Optimizer {

    Adam {
        Optimizers.checkPositive("learning rate", learningRate);
        Optimizers.checkPositive("epsilon", epsilon);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1)) {
            throw new InvalidArgumentException("Adam's betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
    }

    @Override
    public State start(int size) {
        double[] m = new double[size];
        double[] v = new double[size];
        int[] t = {0};
        return (x, g) -> {
            t[0]++;
            double c1 = 1 - Math.pow(beta1, t[0]);
            double c2 = 1 - Math.pow(beta2, t[0]);
            for (int i = 0; i < x.length; i++) {
                m[i] = beta1 * m[i] + (1 - beta1) * g[i];
                v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
                x[i] -= (float) (learningRate * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon));
            }
        };
    }

    @Override
    public String describe() {
        return "adam(lr=" + learningRate + ")";
    }
}
