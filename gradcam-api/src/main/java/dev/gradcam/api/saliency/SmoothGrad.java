package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * SmoothGrad (Smilkov et al. 2017) and its relatives: another method's attributions averaged over noisy copies of
 * each image. {@link Variant#PLAIN} averages them, {@link Variant#SQUARED} averages their squares (SmoothGrad-SQ,
 * Hooker et al. 2019), {@link Variant#VAR_GRAD} takes their variance (VarGrad, Adebayo et al. 2018).
 *
 * <p>The noisy copies of all images are run in batches of {@link Builder#batchSize(int)}; the top-class target is
 * fixed to the class of the clean image first, so noise cannot switch the class explained. With the default Gaussian
 * noise results depend only on the seed, not on batching. Immutable and thread-safe when the wrapped method is.
 */
public final class SmoothGrad implements AttributionMethod {

    /** Noisy copies per image by default. */
    public static final int DEFAULT_SAMPLES = 50;
    /** Gaussian noise by default, as a fraction of each image's value range (Smilkov et al. found 10-20% best). */
    public static final double DEFAULT_NOISE_LEVEL = 0.15;

    /** How the attributions of the noisy copies are combined. */
    public enum Variant {
        /** The mean: SmoothGrad. */
        PLAIN("smooth-grad"),
        /** The mean of squares: SmoothGrad-SQ. */
        SQUARED("smooth-grad-squared"),
        /** The (population) variance: VarGrad. */
        VAR_GRAD("var-grad");

        private final String label;

        Variant(String label) {
            this.label = label;
        }

        /** The kebab-case name. */
        public String label() {
            return label;
        }
    }

    private final AttributionMethod base;
    private final Variant variant;
    private final int samples;
    private final Noise noise;
    private final int batchSize;

    private SmoothGrad(Builder b) {
        this.base = b.base;
        this.variant = b.variant;
        this.samples = b.samples;
        this.noise = b.noise != null ? b.noise : Noises.gaussian(b.noiseLevel, b.seed);
        this.batchSize = b.batchSize;
    }

    /** A builder smoothing {@code base}'s attributions (e.g. {@link Saliency#vanilla} or {@link Saliency#guided}). */
    public static Builder builder(AttributionMethod base) {
        return new Builder(base);
    }

    @Override
    public String name() {
        return base.name().equals("vanilla-backprop") ? variant.label() : variant.label() + "-" + base.name();
    }

    @Override
    public DifferentiableModel model() {
        return base.model();
    }

    @Override
    public Attribution attribute(FloatTensor images, List<Target> targets) {
        int n = Passes.batchOf(images);
        List<Target> ts = Passes.checkTargets(targets, n);
        long t0 = System.nanoTime();
        // The clean pass gives the scores and the classes that pin the targets of the noisy copies.
        Attribution clean = base.attribute(images, ts);
        List<Target> pinned = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            pinned.add(ts.get(i).equals(Targets.topClass()) && clean.targetClass(i) >= 0
                    ? Targets.classLogit(clean.targetClass(i)) : ts.get(i));
        }
        int per = images.slice(0).size();
        double[] sum = new double[n * per];
        double[] sumSq = new double[n * per];
        int rows = n * samples;
        for (int from = 0; from < rows; from += batchSize) {
            int to = Math.min(rows, from + batchSize);
            List<FloatTensor> noisy = new ArrayList<>(to - from);
            List<Target> rowTargets = new ArrayList<>(to - from);
            for (int r = from; r < to; r++) {
                int i = r / samples;
                FloatTensor x = images.slice(i);
                noisy.add(add(x, noise.sample(x, i, r % samples)));
                rowTargets.add(pinned.get(i));
            }
            FloatTensor a = base.attribute(FloatTensor.stack(noisy), rowTargets).attributions();
            for (int r = from; r < to; r++) {
                int offset = (r / samples) * per;
                FloatTensor ar = a.slice(r - from);
                for (int j = 0; j < per; j++) {
                    double v = ar.getFlat(j);
                    sum[offset + j] += v;
                    sumSq[offset + j] += v * v;
                }
            }
        }
        float[] out = new float[n * per];
        for (int j = 0; j < out.length; j++) {
            double mean = sum[j] / samples;
            double meanSq = sumSq[j] / samples;
            out[j] = (float) switch (variant) {
                case PLAIN -> mean;
                case SQUARED -> meanSq;
                // Clamped: rounding can make E[g^2] - E[g]^2 slightly negative.
                case VAR_GRAD -> Math.max(meanSq - mean * mean, 0);
            };
        }
        return clean.derive(name(), FloatTensor.wrapOwned(clean.attributions().shape(), out), List.of())
                .withElapsed(Duration.ofNanos(System.nanoTime() - t0));
    }

    private static FloatTensor add(FloatTensor x, FloatTensor noise) {
        if (!noise.shape().equals(x.shape())) {
            throw new InvalidInputException("noise of shape " + noise.shape() + " for an image of shape " + x.shape());
        }
        float[] d = x.toArray();
        for (int i = 0; i < d.length; i++) {
            d[i] += noise.getFlat(i);
        }
        return FloatTensor.wrapOwned(x.shape(), d);
    }

    /** Builds {@link SmoothGrad}; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final AttributionMethod base;
        private Variant variant = Variant.PLAIN;
        private int samples = DEFAULT_SAMPLES;
        private double noiseLevel = DEFAULT_NOISE_LEVEL;
        private long seed;
        private boolean levelOrSeedSet;
        private Noise noise;
        private int batchSize = 32;

        private Builder(AttributionMethod base) {
            this.base = InvalidArgumentException.requireNonNull(base, "base");
        }

        /** Mean (default), mean of squares or variance. */
        public Builder variant(Variant variant) {
            this.variant = InvalidArgumentException.requireNonNull(variant, "variant");
            return this;
        }

        /** Noisy copies per image (default 50). */
        public Builder samples(int samples) {
            if (samples < 1) {
                throw new InvalidArgumentException("samples must be at least 1, got " + samples);
            }
            this.samples = samples;
            return this;
        }

        /** Gaussian noise level as a fraction of each image's value range (default 0.15). */
        public Builder noiseLevel(double level) {
            this.noiseLevel = level;
            this.levelOrSeedSet = true;
            return this;
        }

        /** Seed of the Gaussian noise (default 0). */
        public Builder seed(long seed) {
            this.seed = seed;
            this.levelOrSeedSet = true;
            return this;
        }

        /** Noise of your own instead of Gaussian noise (must be deterministic in its arguments). */
        public Builder noise(Noise noise) {
            this.noise = InvalidArgumentException.requireNonNull(noise, "noise");
            return this;
        }

        /** Noisy copies per call of the wrapped method (default 32). */
        public Builder batchSize(int batchSize) {
            this.batchSize = Passes.checkBatchSize(batchSize);
            return this;
        }

        /**
         * Builds the method.
         *
         * @throws InvalidArgumentException if both custom noise and a noise level or seed are set
         * @throws InvalidArgumentException if the noise level is negative
         */
        public SmoothGrad build() {
            if (noise != null && levelOrSeedSet) {
                throw new InvalidArgumentException("set either custom noise or a Gaussian noise level and seed, not "
                        + "both");
            }
            if (noise == null) {
                Noises.gaussian(noiseLevel, seed); // validates the level
            }
            return new SmoothGrad(this);
        }
    }
}
