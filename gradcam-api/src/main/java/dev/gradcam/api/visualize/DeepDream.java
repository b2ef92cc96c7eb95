package dev.gradcam.api.visualize;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.post.Bilinear;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * DeepDream (Mordvintsev et al. 2015): gradient ascent, from an image, on a layer's activation energy
 * ({@code mean A^2}, of the whole layer or of one filter), so the image comes to show what the layer responds to.
 * With octaves the image is first dreamt at smaller scales, and the detail added there is carried up, scale by scale
 * (which needs a model that accepts smaller inputs).
 *
 * <p>Defaults: 20 normalised-gradient steps of 0.02 per octave, one octave, jitter of 2 pixels. Immutable and
 * thread-safe when the model is; runs with equal settings and seed give equal images.
 */
public final class DeepDream {

    private static final String NAME = "deep-dream";

    private final DifferentiableModel model;
    private final String layer;
    private final int filter;
    private final Optimization optimization;
    private final int octaves;
    private final double octaveScale;

    private DeepDream(Builder b, String layer) {
        this.model = b.model;
        this.layer = layer;
        this.filter = b.filter;
        this.optimization = b.optimization;
        this.octaves = b.octaves;
        this.octaveScale = b.octaveScale;
    }

    /** A builder; set the layer. */
    public static Builder builder(DifferentiableModel model) {
        return new Builder(model);
    }

    /**
     * Dreams on a batch of images {@code [N, C, H, W]}.
     *
     * @throws InvalidInputException if the images do not fit the model, or an octave's size does not
     */
    public Visualization run(FloatTensor images) {
        InvalidArgumentException.requireNonNull(images, "images");
        Shape s = images.shape();
        if (s.rank() != 4) {
            throw new InvalidInputException("DeepDream needs images [N, C, H, W], got " + s);
        }
        long t0 = System.nanoTime();
        int n = s.intDim(0);
        List<Target> targets = Collections.nCopies(n, new LayerStatistic(filter, true));
        Objective objective = new Objective(model, layer, targets, true);
        // Octave sizes, largest first.
        List<int[]> sizes = new ArrayList<>();
        for (int o = 0; o < octaves; o++) {
            double f = Math.pow(octaveScale, o);
            int[] size = {Math.max(1, (int) Math.round(s.intDim(2) / f)),
                Math.max(1, (int) Math.round(s.intDim(3) / f))};
            Shape os = s.withDim(2, size[0]).withDim(3, size[1]);
            if (!model.inputs().get(0).shape().accepts(os)) {
                throw new InvalidInputException("octave " + o + " needs inputs of shape " + os + " but the model takes "
                        + model.inputs().get(0).shape() + "; use one octave, or a model with open image sizes");
            }
            sizes.add(size);
        }
        double[] initial = objective.values(images);
        List<double[]> history = new ArrayList<>();
        int total = octaves * optimization.steps();
        FloatTensor detail = null;
        FloatTensor x = images;
        for (int o = octaves - 1; o >= 0; o--) {
            int[] size = sizes.get(o);
            FloatTensor base = o == 0 ? images : Bilinear.resize(images, size[0], size[1]);
            FloatTensor start = detail == null ? base : base.plus(Bilinear.resize(detail, size[0], size[1]));
            InputOptimizer.Run run = InputOptimizer.run(objective, start, optimization,
                    (octaves - 1 - o) * optimization.steps(), total, o);
            Collections.addAll(history, run.history());
            x = run.images();
            detail = subtract(x, base);
        }
        double[] result = objective.values(x);
        return new Visualization(NAME, x, history.toArray(new double[0][]), initial, result, true,
                Support.provenance(NAME, layer, model, optimization), Duration.ofNanos(System.nanoTime() - t0));
    }

    private static FloatTensor subtract(FloatTensor a, FloatTensor b) {
        float[] d = a.toArray();
        for (int i = 0; i < d.length; i++) {
            d[i] -= b.getFlat(i);
        }
        return FloatTensor.wrapOwned(a.shape(), d);
    }

    /** Builds {@link DeepDream}; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final DifferentiableModel model;
        private String layer;
        private int filter = -1;
        private Optimization optimization = Optimization.of(20, Optimizers.normalizedStep(0.02))
                .withRegularization(Regularization.none().withJitter(2));
        private int octaves = 1;
        private double octaveScale = 1.4;

        private Builder(DifferentiableModel model) {
            this.model = InvalidArgumentException.requireNonNull(model, "model");
        }

        /** The layer: a tensor name, node name or module path. */
        public Builder layer(String layer) {
            this.layer = InvalidArgumentException.requireNonNull(layer, "layer");
            return this;
        }

        /** Dream on one filter of the layer instead of the whole layer. */
        public Builder filter(int filter) {
            if (filter < 0) {
                throw new InvalidArgumentException("a filter is a channel index >= 0, got " + filter);
            }
            this.filter = filter;
            return this;
        }

        /** Steps per octave, optimiser, regularisation, seed and listener. */
        public Builder optimization(Optimization optimization) {
            this.optimization = InvalidArgumentException.requireNonNull(optimization, "optimization");
            return this;
        }

        /** Dream at {@code count} scales, each {@code scale} times smaller than the next (e.g. 4 and 1.4). */
        public Builder octaves(int count, double scale) {
            if (count < 1 || !(scale > 1)) {
                throw new InvalidArgumentException("octaves need count >= 1 and scale > 1, got " + count + ", "
                        + scale);
            }
            this.octaves = count;
            this.octaveScale = scale;
            return this;
        }

        /**
         * Builds the method.
         *
         * @throws InvalidArgumentException                    if no layer is set
         * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks input gradients or layer passes
         */
        public DeepDream build() {
            Support.requireInputGradient(model, NAME);
            return new DeepDream(this, Support.layer(model, layer, NAME));
        }
    }
}
