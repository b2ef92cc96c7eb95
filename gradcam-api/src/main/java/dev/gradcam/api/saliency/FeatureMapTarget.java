package dev.gradcam.api.saliency;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;

/**
 * A target on a layer's values rather than a class: one feature map (channel {@code channel} of one image's
 * {@code [K, h, w]} or {@code [K]} slice), summed in absolute value (what pytorch-cnn-visualizations' layer
 * activation with guided backpropagation explains) or averaged (what activation maximisation raises). Use with a
 * method explaining a layer, e.g. {@link GradientSaliency#explaining(String)}.
 *
 * @param channel  the feature map
 * @param absolute true for {@code sum |A_k|}, false for {@code mean A_k}
 */
public record FeatureMapTarget(int channel, boolean absolute) implements Target {

    public FeatureMapTarget {
        if (channel < 0) {
            throw new InvalidArgumentException("channel must be >= 0, got " + channel);
        }
    }

    /** {@code sum |A_k|} over the feature map. */
    public static FeatureMapTarget absoluteSum(int channel) {
        return new FeatureMapTarget(channel, true);
    }

    /** {@code mean A_k} over the feature map. */
    public static FeatureMapTarget mean(int channel) {
        return new FeatureMapTarget(channel, false);
    }

    @Override
    public double score(FloatTensor output) {
        InvalidArgumentException.requireNonNull(output, "output");
        FloatTensor map = map(output);
        double s = 0;
        for (int i = 0; i < map.size(); i++) {
            s += absolute ? Math.abs(map.getFlat(i)) : map.getFlat(i);
        }
        return absolute ? s : s / map.size();
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        InvalidArgumentException.requireNonNull(output, "output");
        int plane = map(output).size();
        float[] g = new float[output.size()];
        for (int i = 0; i < plane; i++) {
            int e = channel * plane + i;
            g[e] = absolute ? Math.signum(output.getFlat(e)) : 1f / plane;
        }
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    @Override
    public boolean dependsOnOutput() {
        return absolute;
    }

    @Override
    public String describe() {
        return absolute ? "sum|map[" + channel + "]|" : "mean(map[" + channel + "])";
    }

    private FloatTensor map(FloatTensor output) {
        if (output.shape().rank() < 1 || channel >= output.shape().dim(0)) {
            throw new InvalidInputException("feature map " + channel + " does not exist in a layer slice of shape "
                    + output.shape() + "; valid: 0.." + (output.shape().rank() < 1 ? -1 : output.shape().dim(0) - 1));
        }
        return output.slice(channel);
    }
}
