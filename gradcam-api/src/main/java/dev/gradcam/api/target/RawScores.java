package dev.gradcam.api.target;

import dev.gradcam.api.tensor.FloatTensor;

/**
 * The sum of the whole output of an image (pytorch-grad-cam's {@code RawScoresOutputTarget}, which returns the output
 * as is and lets the loss sum it): for a single-output model (a regression, a score) the output itself. Linear.
 */
record RawScores() implements Target {

    @Override
    public double score(FloatTensor output) {
        double s = 0;
        for (int i = 0; i < output.size(); i++) {
            s += output.getFlat(i);
        }
        return s;
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        return FloatTensor.full(output.shape(), 1f);
    }

    @Override
    public boolean dependsOnOutput() {
        return false;
    }

    @Override
    public String describe() {
        return "raw-scores";
    }
}
