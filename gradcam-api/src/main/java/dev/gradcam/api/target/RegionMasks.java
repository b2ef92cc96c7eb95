package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Size;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.awt.image.BufferedImage;

/** Masks [H, W] of 0 and 1 for {@link Targets#region}: from a segmentation prediction, a threshold or an image. */
public final class RegionMasks {

    private RegionMasks() {
    }

    /**
     * The pixels an image's segmentation output [classes, H, W] predicts as {@code cls} (its highest score there),
     * as pytorch-grad-cam's segmentation tutorial builds the mask of SemanticSegmentationTarget.
     *
     * @throws InvalidInputException if the output is not [classes, H, W] with more than {@code cls} classes
     */
    public static FloatTensor predicted(FloatTensor output, int cls) {
        InvalidArgumentException.requireNonNull(output, "output");
        Shape s = checkSpatial(output, cls);
        int classes = s.intDim(0);
        int plane = s.intDim(1) * s.intDim(2);
        float[] m = new float[plane];
        for (int p = 0; p < plane; p++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (output.getFlat(c * plane + p) > output.getFlat(best * plane + p)) {
                    best = c;
                }
            }
            m[p] = best == cls ? 1f : 0f;
        }
        return FloatTensor.wrapOwned(Shape.of(s.dim(1), s.dim(2)), m);
    }

    /** The pixels of channel {@code channel} of an output [channels, H, W] whose value exceeds {@code threshold}. */
    public static FloatTensor thresholded(FloatTensor output, int channel, double threshold) {
        InvalidArgumentException.requireNonNull(output, "output");
        Shape s = checkSpatial(output, channel);
        int plane = s.intDim(1) * s.intDim(2);
        float[] m = new float[plane];
        for (int p = 0; p < plane; p++) {
            m[p] = output.getFlat(channel * plane + p) > threshold ? 1f : 0f;
        }
        return FloatTensor.wrapOwned(Shape.of(s.dim(1), s.dim(2)), m);
    }

    /**
     * A mask from a picture: 1 where the pixel's grey level (mean of red, green and blue) is at least 128, sampled
     * nearest-neighbour to {@code size} when the picture has another size; shape {@code [height, width]}.
     */
    public static FloatTensor fromImage(BufferedImage image, Size size) {
        InvalidArgumentException.requireNonNull(image, "image");
        InvalidArgumentException.requireNonNull(size, "size");
        int height = size.height();
        int width = size.width();
        float[] m = new float[height * width];
        for (int y = 0; y < height; y++) {
            int sy = (int) ((y + 0.5) * image.getHeight() / height);
            for (int x = 0; x < width; x++) {
                int sx = (int) ((x + 0.5) * image.getWidth() / width);
                int rgb = image.getRGB(sx, sy);
                int grey = (((rgb >> 16) & 0xff) + ((rgb >> 8) & 0xff) + (rgb & 0xff)) / 3;
                m[y * width + x] = grey >= 128 ? 1f : 0f;
            }
        }
        return FloatTensor.wrapOwned(Shape.of(height, width), m);
    }

    private static Shape checkSpatial(FloatTensor output, int channel) {
        Shape s = output.shape();
        if (s.rank() != 3 || channel < 0 || channel >= s.dim(0)) {
            throw new InvalidInputException("a region needs a spatial output [channels > " + channel
                    + ", H, W] per image, got " + s + "; use a class index or element target for other outputs");
        }
        return s;
    }
}
