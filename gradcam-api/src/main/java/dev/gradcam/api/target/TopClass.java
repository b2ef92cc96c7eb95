package dev.gradcam.api.target;

import dev.gradcam.api.tensor.FloatTensor;
import java.util.OptionalInt;

/** The logit of whichever class scores highest for this image: the default target. */
record TopClass() implements Target {

    @Override
    public double score(FloatTensor output) {
        return output.max();
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        float[] g = new float[output.size()];
        g[output.argMax()] = 1f;
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    @Override
    public OptionalInt classIndex(FloatTensor output) {
        return OptionalInt.of(output.argMax());
    }

    @Override
    public String describe() {
        return "top class";
    }
}
