package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.numeric.Softmax;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.OptionalInt;

/**
 * The softmax probability of one class, taken over the whole output of an image (which must be the logits):
 * score {@code p_c}, gradient {@code p_c (e_c - p)}.
 */
record ClassProbability(int classIndex) implements Target {

    ClassProbability {
        if (classIndex < 0) {
            throw new InvalidArgumentException("class index must be >= 0, got " + classIndex);
        }
    }

    @Override
    public double score(FloatTensor output) {
        Targets.checkClass(output, classIndex);
        return softmax(output)[classIndex];
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        Targets.checkClass(output, classIndex);
        double[] p = softmax(output);
        float[] g = new float[p.length];
        double pc = p[classIndex];
        for (int i = 0; i < p.length; i++) {
            g[i] = (float) (pc * ((i == classIndex ? 1 : 0) - p[i]));
        }
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    /** {@code p_c [(e_c - p)(u_c - p.u) - p (u - p.u)]}, the derivative of the gradient along u. */
    @Override
    public FloatTensor hessianVector(FloatTensor output, FloatTensor direction) {
        Targets.checkClass(output, classIndex);
        double[] p = softmax(output);
        double pu = 0;
        for (int i = 0; i < p.length; i++) {
            pu += p[i] * direction.getFlat(i);
        }
        double pc = p[classIndex];
        double uc = direction.getFlat(classIndex);
        float[] h = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            h[i] = (float) (pc * (((i == classIndex ? 1 : 0) - p[i]) * (uc - pu) - p[i] * (direction.getFlat(i) - pu)));
        }
        return FloatTensor.wrapOwned(output.shape(), h);
    }

    @Override
    public OptionalInt classIndex(FloatTensor output) {
        return OptionalInt.of(classIndex);
    }

    @Override
    public String describe() {
        return "softmax[" + classIndex + "]";
    }

    /** The softmax over an image's whole output, in double precision. */
    static double[] softmax(FloatTensor logits) {
        double[] x = new double[logits.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = logits.getFlat(i);
        }
        return Softmax.of(x);
    }
}
