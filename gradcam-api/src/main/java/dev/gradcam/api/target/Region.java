package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

/**
 * A region of a spatial output (a segmentation or detection map): {@code sum(mask * output[channel])} over the
 * mask's pixels, as pytorch-grad-cam's SemanticSegmentationTarget. Linear in the output. The output of one image
 * must be [channels, H, W] (or [H, W] with channel 0); the mask is [H, W].
 */
final class Region implements Target {

    private final int channel;
    private final FloatTensor mask;

    Region(int channel, FloatTensor mask) {
        if (channel < 0) {
            throw new InvalidArgumentException("channel must be >= 0, got " + channel);
        }
        if (mask.shape().rank() != 2) {
            throw new InvalidArgumentException("a region mask must be [H, W], got " + mask.shape());
        }
        this.channel = channel;
        this.mask = mask;
    }

    @Override
    public double score(FloatTensor output) {
        int offset = check(output.shape());
        double s = 0;
        for (int i = 0; i < mask.size(); i++) {
            s += (double) mask.getFlat(i) * output.getFlat(offset + i);
        }
        return s;
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        int offset = check(output.shape());
        float[] g = new float[output.size()];
        mask.copyTo(g, offset);
        return FloatTensor.wrapOwned(output.shape(), g);
    }

    @Override
    public boolean dependsOnOutput() {
        return false;
    }

    @Override
    public String describe() {
        return "region[channel " + channel + ", " + (int) Math.round(mask.sum()) + " px]";
    }

    private int check(Shape out) {
        Shape m = mask.shape();
        boolean chw = out.rank() == 3 && out.dim(1) == m.dim(0) && out.dim(2) == m.dim(1) && channel < out.dim(0);
        boolean hw = out.rank() == 2 && out.equals(m) && channel == 0;
        if (!chw && !hw) {
            throw new InvalidInputException("a region target with mask " + m + " on channel " + channel
                    + " needs an output of [channels > " + channel + ", " + m.dim(0) + ", " + m.dim(1)
                    + "] per image, got " + out);
        }
        return chw ? channel * m.size() : 0;
    }
}
