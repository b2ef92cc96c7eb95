package dev.gradcam.api.visualize;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Inverted image representations (Mahendran and Vedaldi 2015): an input reconstructed, from noise, so that a layer's
 * activations match those of the original, minimising {@code ||phi(x) - phi(x0)||^2 / ||phi(x0)||^2} plus
 * regularisers (alpha norm, total variation), as pytorch-cnn-visualizations' {@code inverted_representation}. What
 * survives shows what the layer keeps of the image.
 *
 * <p>Defaults: 200 Adam steps at learning rate 0.05, total variation 1e-4, from noise in [-0.1, 0.1). The reported
 * objective is the relative representation loss (lower is better). Immutable and thread-safe when the model is;
 * runs with equal settings and seed give equal images.
 */
public final class RepresentationInversion {

    private static final String NAME = "inverted-representation";

    private final DifferentiableModel model;
    private final String layer;
    private final Optimization optimization;
    private final NoiseStart noise;

    private RepresentationInversion(Builder b, String layer) {
        this.model = b.model;
        this.layer = layer;
        this.optimization = b.optimization;
        this.noise = b.noise;
    }

    /** A builder; set the layer. */
    public static Builder builder(DifferentiableModel model) {
        return new Builder(model);
    }

    /**
     * Reconstructs each image of a batch {@code [N, C, H, W]} from its activations at the layer.
     *
     * @throws InvalidInputException if the images do not fit the model
     */
    public Visualization run(FloatTensor images) {
        InvalidArgumentException.requireNonNull(images, "images");
        if (images.shape().rank() != 4) {
            throw new InvalidInputException("inversion needs images [N, C, H, W], got " + images.shape());
        }
        FloatTensor reference = model.run(PassRequest.builder(images).tap(layer).build()).activation(layer);
        int n = images.shape().intDim(0);
        List<Target> targets = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            targets.add(new RepresentationDistance(reference.slice(i))); // an immutable view, no copy needed
        }
        FloatTensor start = noise.images(images.shape(), optimization.seed());
        return Support.run(NAME, layer, new Objective(model, layer, targets, false), start, optimization, model);
    }

    /** Builds {@link RepresentationInversion}; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final DifferentiableModel model;
        private String layer;
        private Optimization optimization = Optimization.of(200, Optimizers.adam(0.05))
                .withRegularization(Regularization.none().withTotalVariation(1e-4));
        private NoiseStart noise = NoiseStart.uniform(-0.1, 0.1);

        private Builder(DifferentiableModel model) {
            this.model = InvalidArgumentException.requireNonNull(model, "model");
        }

        /** The layer whose activations are matched. */
        public Builder layer(String layer) {
            this.layer = InvalidArgumentException.requireNonNull(layer, "layer");
            return this;
        }

        /** Steps, optimiser, regularisation, seed and listener. */
        public Builder optimization(Optimization optimization) {
            this.optimization = InvalidArgumentException.requireNonNull(optimization, "optimization");
            return this;
        }

        /** Start from uniform noise in [low, high), drawn from the optimisation's seed. */
        public Builder startNoise(double low, double high) {
            this.noise = noise.withRange(low, high);
            return this;
        }

        /**
         * Builds the method.
         *
         * @throws dev.gradcam.api.InvalidArgumentException                 if no layer is set
         * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks input gradients or layer passes
         */
        public RepresentationInversion build() {
            Support.requireInputGradient(model, NAME);
            return new RepresentationInversion(this, Support.layer(model, layer, NAME));
        }
    }
}
