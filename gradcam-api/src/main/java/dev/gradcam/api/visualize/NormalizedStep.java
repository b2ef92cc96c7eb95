package dev.gradcam.api.visualize;

/**
 * Steps of fixed size along the gradient divided by its mean absolute value, as the original DeepDream does: robust
 * to the gradient's scale, which varies by layer and octave.
 */
record NormalizedStep(double stepSize) implements Optimizer {

    NormalizedStep {
        Optimizers.checkPositive("step size", stepSize);
    }

    @Override
    public State start(int size) {
        return (x, g) -> {
            double mean = 0;
            for (float v : g) {
                mean += Math.abs(v);
            }
            mean /= Math.max(g.length, 1);
            double scale = stepSize / (mean + 1e-8);
            for (int i = 0; i < x.length; i++) {
                x[i] -= (float) (scale * g[i]);
            }
        };
    }

    @Override
    public String describe() {
        return "normalized-step(" + stepSize + ")";
    }
}
