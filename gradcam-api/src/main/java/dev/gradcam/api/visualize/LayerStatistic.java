package dev.gradcam.api.visualize;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;

/**
 * The mean, or the mean square, of one image's layer values: of one feature map (channel {@code channel} of a
 * {@code [K, h, w]} slice) or of the whole layer ({@code channel} -1). Activation maximisation raises the mean;
 * DeepDream raises the mean square, the layer's activation energy.
 *
 * @param channel the feature map, or -1 for the whole layer
 * @param squared true for {@code mean A^2}, false for {@code mean A}
 */
record LayerStatistic(int channel, boolean squared) implements Target {

    @Override
    public double score(FloatTensor output) {
        int[] r = range(output);
        double s = 0;
        for (int i = r[0]; i < r[1]; i++) {
            double v = output.getFlat(i);
            s += squared ? v * v : v;
        }
        return s / (r[1] - r[0]);
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        int[] r = range(output);
        float[] g = new float[output.size()];
        for (int i = r[0]; i < r[1]; i++) {
            g[i] = (float) ((squared ? 2.0 * output.getFlat(i) : 1.0) / (r[1] - r[0]));
        }
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    @Override
    public boolean dependsOnOutput() {
        return squared;
    }

    @Override
    public String describe() {
        String of = channel < 0 ? "layer" : "map[" + channel + "]";
        return squared ? "mean(" + of + "^2)" : "mean(" + of + ")";
    }

    /** The flat index range covered. */
    private int[] range(FloatTensor output) {
        if (channel < 0) {
            return new int[] {0, output.size()};
        }
        if (output.shape().rank() < 1 || channel >= output.shape().dim(0)) {
            throw new InvalidInputException("feature map " + channel + " does not exist in a layer slice of shape "
                    + output.shape());
        }
        int plane = output.size() / output.shape().intDim(0);
        return new int[] {channel * plane, (channel + 1) * plane};
    }
}
