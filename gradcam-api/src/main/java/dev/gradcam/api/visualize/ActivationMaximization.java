package dev.gradcam.api.visualize;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Size;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * CNN layer and filter visualisation by activation maximisation (Erhan et al. 2009; Yosinski et al. 2015): an input
 * optimised, from noise, to raise the mean activation of one feature map (a filter) or of a whole layer, as
 * pytorch-cnn-visualizations' {@code cnn_layer_visualization}. Several filters are visualised together, one image
 * each, in one batch.
 *
 * <p>Defaults follow the original: 30 Adam steps at learning rate 0.1 with L2 decay 1e-6, from uniform noise in
 * [-0.1, 0.1]. Immutable and thread-safe when the model is; runs with equal settings and seed give equal images.
 */
public final class ActivationMaximization {

    private static final String NAME = "activation-maximization";

    private final DifferentiableModel model;
    private final String layer;
    private final int[] filters;
    private final Optimization optimization;
    private final FloatTensor start;
    private final NoiseStart noise;

    private ActivationMaximization(Builder b, String layer) {
        this.model = b.model;
        this.layer = layer;
        this.filters = b.filters.clone();
        this.optimization = b.optimization;
        this.start = b.start;
        this.noise = b.noise;
    }

    /** A builder; set the layer, and the filters (default: the whole layer). */
    public static Builder builder(DifferentiableModel model) {
        return new Builder(model);
    }

    /**
     * Optimises one image per filter.
     *
     * @throws InvalidInputException if a filter does not exist or the start image does not fit
     */
    public Visualization run() {
        int n = filters.length;
        FloatTensor x0 = start != null ? start : noise.images(model, n, optimization.seed());
        if (x0.shape().intDim(0) != n) {
            throw new InvalidInputException("the start images " + x0.shape() + " must hold one image per filter ("
                    + n + ")");
        }
        List<Target> targets = new ArrayList<>(n);
        for (int f : filters) {
            targets.add(new LayerStatistic(f, false));
        }
        return Support.run(NAME, layer, new Objective(model, layer, targets, true), x0, optimization, model);
    }

    /** Builds {@link ActivationMaximization}; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final DifferentiableModel model;
        private String layer;
        private int[] filters = {-1};
        private Optimization optimization = Optimization.of(30, Optimizers.adam(0.1))
                .withRegularization(Regularization.none().withL2Decay(1e-6));
        private FloatTensor start;
        private NoiseStart noise = NoiseStart.uniform(-0.1, 0.1);

        private Builder(DifferentiableModel model) {
            this.model = InvalidArgumentException.requireNonNull(model, "model");
        }

        /** The layer: a tensor name, node name or module path. */
        public Builder layer(String layer) {
            this.layer = InvalidArgumentException.requireNonNull(layer, "layer");
            return this;
        }

        /** The filters (feature maps) to visualise, one image each. */
        public Builder filters(int... filters) {
            if (filters.length == 0) {
                throw new InvalidArgumentException("give at least one filter");
            }
            for (int f : filters) {
                if (f < 0) {
                    throw new InvalidArgumentException("filters are channel indices >= 0, got " + f
                            + "; use wholeLayer() for the mean of the whole layer");
                }
            }
            this.filters = filters.clone();
            return this;
        }

        /** Maximise the mean of the whole layer instead of one filter (the default). */
        public Builder wholeLayer() {
            this.filters = new int[] {-1};
            return this;
        }

        /** Steps, optimiser, regularisation, seed and listener. */
        public Builder optimization(Optimization optimization) {
            this.optimization = InvalidArgumentException.requireNonNull(optimization, "optimization");
            return this;
        }

        /** Start from uniform noise in [low, high) (default [-0.1, 0.1)), drawn from the optimisation's seed. */
        public Builder startNoise(double low, double high) {
            this.noise = noise.withRange(low, high);
            return this;
        }

        /** Start from given images, one per filter. */
        public Builder startImages(FloatTensor images) {
            this.start = InvalidArgumentException.requireNonNull(images, "images");
            return this;
        }

        /** The image size (width first, {@link Size#of(int, int)}), needed when the model's input leaves it open. */
        public Builder imageSize(Size size) {
            this.noise = noise.withImageSize(InvalidArgumentException.requireNonNull(size, "size"));
            return this;
        }

        /**
         * Builds the method.
         *
         * @throws InvalidArgumentException                    if no layer is set
         * @throws dev.gradcam.api.UnknownLayerException          if the layer matches nothing
         * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks input gradients or layer passes
         */
        public ActivationMaximization build() {
            Support.requireInputGradient(model, NAME);
            String resolved = Support.layer(model, layer, NAME);
            if (start == null) {
                noise.shape(model, filters.length); // fails early on open sizes
            }
            return new ActivationMaximization(this, resolved);
        }
    }
}
