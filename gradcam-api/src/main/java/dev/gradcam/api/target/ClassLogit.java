package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.OptionalInt;

/** The raw score (logit) of one class: the usual Grad-CAM target. Linear in the output. */
record ClassLogit(int classIndex) implements Target {

    ClassLogit {
        if (classIndex < 0) {
            throw new InvalidArgumentException("class index must be >= 0, got " + classIndex);
        }
    }

    @Override
    public double score(FloatTensor output) {
        Targets.checkClass(output, classIndex);
        return output.getFlat(classIndex);
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        Targets.checkClass(output, classIndex);
        float[] g = new float[output.size()];
        g[classIndex] = 1f;
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    @Override
    public boolean dependsOnOutput() {
        return false;
    }

    @Override
    public OptionalInt classIndex(FloatTensor output) {
        return OptionalInt.of(classIndex);
    }

    @Override
    public String describe() {
        return "logit[" + classIndex + "]";
    }

}
