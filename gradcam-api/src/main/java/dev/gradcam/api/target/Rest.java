package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.numeric.Softmax;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.OptionalInt;

/**
 * ReST (Cai et al. 2025, the ShapleyCAM paper; pytorch-grad-cam's {@code ClassifierOutputReST}): the logit minus the
 * cross-entropy of the class, {@code y_c - CE(y, c) = 2 y_c - logsumexp(y)}, which uses the scores both before and
 * after the softmax. Gradient {@code 2 e_c - softmax(y)}.
 */
record Rest(int classIndex) implements Target {

    Rest {
        if (classIndex < 0) {
            throw new InvalidArgumentException("class index must be >= 0, got " + classIndex);
        }
    }

    @Override
    public double score(FloatTensor output) {
        Targets.checkClass(output, classIndex);
        double[] x = new double[output.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = output.getFlat(i);
        }
        return 2.0 * output.getFlat(classIndex) - Softmax.logSumExp(x);
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        Targets.checkClass(output, classIndex);
        double[] p = ClassProbability.softmax(output);
        float[] g = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            g[i] = (float) ((i == classIndex ? 2 : 0) - p[i]);
        }
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    /** {@code -p (u - p.u)}: the logsumexp's curvature (the doubled logit is linear). */
    @Override
    public FloatTensor hessianVector(FloatTensor output, FloatTensor direction) {
        Targets.checkClass(output, classIndex);
        double[] p = ClassProbability.softmax(output);
        double pu = 0;
        for (int i = 0; i < p.length; i++) {
            pu += p[i] * direction.getFlat(i);
        }
        float[] h = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            h[i] = (float) (-p[i] * (direction.getFlat(i) - pu));
        }
        return FloatTensor.wrapOwned(output.shape(), h);
    }

    @Override
    public OptionalInt classIndex(FloatTensor output) {
        return OptionalInt.of(classIndex);
    }

    @Override
    public String describe() {
        return "rest[" + classIndex + "]";
    }
}
