package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.OptionalInt;

/**
 * A binary (sigmoid) output: the probability {@code s = sigmoid(z)} of the positive class at element
 * {@code index} of the output, or {@code 1 - s} for the negative class. Gradient {@code +-s(1-s)}.
 */
record BinaryOutput(int index, boolean positive) implements Target {

    BinaryOutput {
        if (index < 0) {
            throw new InvalidArgumentException("output index must be >= 0, got " + index);
        }
    }

    @Override
    public double score(FloatTensor output) {
        Targets.checkClass(output, index);
        double s = sigmoid(output.getFlat(index));
        return positive ? s : 1 - s;
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        Targets.checkClass(output, index);
        double s = sigmoid(output.getFlat(index));
        float[] g = new float[output.size()];
        g[index] = (float) ((positive ? 1 : -1) * s * (1 - s));
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    @Override
    public OptionalInt classIndex(FloatTensor output) {
        return OptionalInt.of(index);
    }

    @Override
    public String describe() {
        return (positive ? "sigmoid[" : "1-sigmoid[") + index + "]";
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
