package dev.gradcam.api.saliency;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.image.TensorLayout;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.awt.image.BufferedImage;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * Factories for Integrated Gradients {@link Baseline}s: zero, black, blurred (Sturmfels et al. 2020), uniform noise
 * and fixed tensors. Per-channel baselines assume channels on axis 1 ({@code [N, C, H, W]}).
 */
public final class Baselines {

    private Baselines() {
    }

    /** All zeros (black when inputs are in [0, 1] without normalisation). */
    public static Baseline zero() {
        return new Described("zero", images -> FloatTensor.zeros(images.shape()));
    }

    /**
     * A constant per channel (axis 1), or one constant for all channels.
     *
     * @throws InvalidArgumentException if no value is given
     */
    public static Baseline constant(float... perChannel) {
        InvalidArgumentException.requireNonNull(perChannel, "perChannel");
        if (perChannel.length == 0) {
            throw new InvalidArgumentException("give one value, or one per channel");
        }
        float[] v = perChannel.clone();
        return new Described("constant" + java.util.Arrays.toString(v), images -> {
            Shape s = images.shape();
            int channels = s.intDim(1);
            if (v.length != 1 && v.length != channels) {
                throw new InvalidInputException("the baseline has " + v.length + " channel values but the inputs "
                        + s + " have " + channels + " channels");
            }
            int plane = s.size() / (s.intDim(0) * channels);
            float[] d = new float[s.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = v.length == 1 ? v[0] : v[(i / plane) % channels];
            }
            return FloatTensor.wrapOwned(s, d);
        });
    }

    /**
     * A black image as {@code preprocessing} turns it into a tensor, e.g. {@code -mean / std} per channel for ImageNet
     * normalisation: the usual "black" baseline when inputs are normalised.
     */
    public static Baseline black(Preprocessing preprocessing) {
        InvalidArgumentException.requireNonNull(preprocessing, "preprocessing");
        Preprocessing p = preprocessing.toBuilder().keepSize().noCrop().layout(TensorLayout.NCHW).build();
        FloatTensor pixel = Images.toTensor(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), p);
        Baseline c = constant(pixel.toArray());
        return new Described("black", c::of);
    }

    /**
     * Each image blurred with a Gaussian of standard deviation {@code sigma} pixels: removes detail but keeps colour
     * (Fong and Vedaldi 2017; Sturmfels et al. 2020).
     *
     * @throws InvalidArgumentException if sigma is negative
     */
    public static Baseline blurred(double sigma) {
        GaussianBlur.blur(FloatTensor.zeros(Shape.of(1, 1)), sigma); // validates sigma
        return new Described("blurred(sigma=" + sigma + ")", images -> GaussianBlur.blur(images, sigma));
    }

    /**
     * Uniform noise between each image's minimum and maximum value, from a generator seeded by {@code seed} and the
     * image index (so batching changes nothing).
     */
    public static Baseline random(long seed) {
        return new Described("random(seed=" + seed + ")", images -> noise(images, seed, true, 0, 0));
    }

    /**
     * Uniform noise in [{@code low}, {@code high}), seeded as {@link #random(long)}.
     *
     * @throws InvalidArgumentException unless {@code low < high}
     */
    public static Baseline uniform(float low, float high, long seed) {
        if (!(low < high)) {
            throw new InvalidArgumentException("uniform noise needs low < high, got " + low + ", " + high);
        }
        return new Described("uniform(" + low + ", " + high + ", seed=" + seed + ")",
                images -> noise(images, seed, false, low, high));
    }

    /**
     * A fixed tensor: of the batch's shape, or of one image's shape with a batch axis of 1 (used for every image).
     */
    public static Baseline of(FloatTensor baseline) {
        InvalidArgumentException.requireNonNull(baseline, "baseline");
        return new Described("custom", images -> {
            if (baseline.shape().equals(images.shape())) {
                return baseline;
            }
            if (baseline.shape().equals(images.shape().withDim(0, 1))) {
                return FloatTensor.concat(java.util.Collections.nCopies(images.shape().intDim(0), baseline));
            }
            throw new InvalidInputException("a custom baseline must have the inputs' shape " + images.shape()
                    + " or one image's " + images.shape().withDim(0, 1) + ", got " + baseline.shape());
        });
    }

    private static FloatTensor noise(FloatTensor images, long seed, boolean imageRange, float low, float high) {
        int n = images.shape().intDim(0);
        int per = images.size() / n;
        float[] d = new float[images.size()];
        for (int i = 0; i < n; i++) {
            FloatTensor x = images.slice(i);
            double lo = imageRange ? x.min() : low;
            double hi = imageRange ? x.max() : high;
            Random r = new Random(seed * 0x9E3779B97F4A7C15L + i * 0xBF58476D1CE4E5B9L);
            for (int j = 0; j < per; j++) {
                d[i * per + j] = (float) (lo + (hi - lo) * r.nextDouble());
            }
        }
        return FloatTensor.wrapOwned(images.shape(), d);
    }

    /** A baseline with a description. */
    private record Described(String description, UnaryOperator<FloatTensor> f) implements Baseline {
        @Override
        public FloatTensor of(FloatTensor images) {
            return f.apply(images);
        }

        @Override
        public String describe() {
            return description;
        }
    }
}
