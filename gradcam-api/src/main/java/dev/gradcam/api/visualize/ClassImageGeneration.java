package dev.gradcam.api.visualize;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Size;
import dev.gradcam.api.UnknownOutputException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Class-specific image generation (Simonyan et al. 2014): an input optimised, from noise, to raise a target's score,
 * usually a class logit, one image per target, as pytorch-cnn-visualizations' {@code generate_class_specific_samples}
 * ({@link #plain}) and {@code generate_regularized_class_specific_samples} ({@link #regularized}: L2 decay, blur
 * every few steps, jitter), which give more natural images.
 *
 * <p>Immutable and thread-safe when the model is; runs with equal settings and seed give equal images.
 */
public final class ClassImageGeneration {

    private final String name;
    private final DifferentiableModel model;
    private final String output;
    private final Optimization optimization;
    private final NoiseStart noise;

    private ClassImageGeneration(Builder b, String output) {
        this.name = b.name;
        this.model = b.model;
        this.output = output;
        this.optimization = b.optimization;
        this.noise = b.noise;
    }

    /** Plain gradient ascent: 150 SGD steps at learning rate 6, no regularisation, from noise in [-1, 1). */
    public static Builder plain(DifferentiableModel model) {
        return new Builder(model, "class-image", Optimization.of(150, Optimizers.sgd(6)));
    }

    /**
     * Regularised ascent: 150 SGD steps at learning rate 6, L2 decay 1e-4, a Gaussian blur (sigma 1) every 4 steps and
     * jitter of 2 pixels.
     */
    public static Builder regularized(DifferentiableModel model) {
        return new Builder(model, "regularized-class-image", Optimization.of(150, Optimizers.sgd(6))
                .withRegularization(Regularization.none().withL2Decay(1e-4).withBlur(4, 1.0).withJitter(2)));
    }

    /** One image per class, maximising the class logit. */
    public Visualization run(int... classes) {
        List<Target> targets = new ArrayList<>(classes.length);
        for (int c : classes) {
            targets.add(Targets.classLogit(c));
        }
        return run(targets);
    }

    /**
     * One image per target, maximising its score.
     *
     * @throws InvalidInputException if no target is given
     */
    public Visualization run(List<Target> targets) {
        InvalidArgumentException.requireNonNull(targets, "targets");
        if (targets.isEmpty()) {
            throw new InvalidInputException("give at least one target (class) to generate an image for");
        }
        FloatTensor x0 = noise.images(model, targets.size(), optimization.seed());
        return Support.run(name, output, new Objective(model, output, List.copyOf(targets), true), x0, optimization,
                model);
    }

    /** Builds {@link ClassImageGeneration}. Not thread-safe. */
    public static final class Builder {
        private final DifferentiableModel model;
        private final String name;
        private Optimization optimization;
        private String output;
        private NoiseStart noise = NoiseStart.uniform(-1, 1);

        private Builder(DifferentiableModel model, String name, Optimization defaults) {
            this.model = InvalidArgumentException.requireNonNull(model, "model");
            this.name = name;
            this.optimization = defaults;
        }

        /** Steps, optimiser, regularisation, seed and listener. */
        public Builder optimization(Optimization optimization) {
            this.optimization = InvalidArgumentException.requireNonNull(optimization, "optimization");
            return this;
        }

        /** The model output whose targets are raised (default: the first). */
        public Builder output(String output) {
            this.output = output;
            return this;
        }

        /** Start from uniform noise in [low, high), drawn from the optimisation's seed. */
        public Builder startNoise(double low, double high) {
            this.noise = noise.withRange(low, high);
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
         * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks input gradients
         * @throws InvalidInputException                          if the image size is open or the output unknown
         */
        public ClassImageGeneration build() {
            Support.requireInputGradient(model, name);
            if (output != null && model.outputs().stream().noneMatch(v -> v.name().equals(output))) {
                throw new UnknownOutputException("unknown output '" + output + "'; the model's outputs are "
                        + model.outputs().stream().map(v -> v.name()).toList());
            }
            noise.shape(model, 1); // fails early on open sizes
            return new ClassImageGeneration(this, output);
        }
    }
}
