package dev.gradcam.api.spi;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The gradient of the explained scalar with respect to the model output: where backpropagation starts.
 *
 * <p>Targets are differentiable functions of the output, so a backend needs only this seed, never a new graph per
 * target. Three kinds let backends run a single pass whenever the seed does not depend on the output:
 * {@link OfShape} (class logits, fixed regions), {@link TopClass} (the default target, which a backend may compute
 * inside its graph) and {@link OfOutput} (softmax probabilities, user functions: the backend runs the forward pass
 * first).
 */
public sealed interface Seed permits Seed.OfShape, Seed.TopClass, Seed.OfOutput {

    /** True if the seed can only be computed from the output values. */
    boolean needsOutput();

    /** True if the seed does not change with the output's values (the target is linear in the output). */
    boolean isLinear();

    /**
     * The derivative of the seed along {@code direction} (output-shaped, batched): the target's Hessian with respect
     * to the output times the direction, what second-order passes ({@link PassRequest#hessianProducts()}) add for
     * targets that are not linear in the output. Zeros for linear seeds.
     *
     * @throws dev.gradcam.api.InvalidArgumentException if the target does not define its second derivative
     */
    FloatTensor curvature(FloatTensor output, FloatTensor direction);

    /**
     * The seed for a given output batch; every backend can fall back on this.
     *
     * @throws InvalidInputException if the seed has the wrong shape
     */
    FloatTensor resolve(FloatTensor output);

    /** A seed that depends only on the output's shape. */
    record OfShape(Function<Shape, FloatTensor> seed) implements Seed {
        public OfShape {
            InvalidArgumentException.requireNonNull(seed, "seed");
        }

        @Override
        public boolean needsOutput() {
            return false;
        }

        /** The seed for an output of shape {@code outputShape}. */
        public FloatTensor forShape(Shape outputShape) {
            return checked(seed.apply(outputShape), outputShape);
        }

        @Override
        public FloatTensor resolve(FloatTensor output) {
            return forShape(output.shape());
        }

        @Override
        public boolean isLinear() {
            return true;
        }

        @Override
        public FloatTensor curvature(FloatTensor output, FloatTensor direction) {
            return FloatTensor.zeros(InvalidArgumentException.requireNonNull(output, "output").shape());
        }
    }

    /**
     * A one-hot seed at each image's largest score along axis 1 of an {@code [N, K]} output: explains the top class.
     */
    record TopClass() implements Seed {
        @Override
        public boolean needsOutput() {
            return true;
        }

        @Override
        public FloatTensor resolve(FloatTensor output) {
            Shape s = InvalidArgumentException.requireNonNull(output, "output").shape();
            if (s.rank() != 2) {
                throw new InvalidInputException("the top-class target needs an output of shape [N, classes], got " + s
                        + "; use a region target for spatial outputs");
            }
            int n = s.intDim(0);
            int k = s.intDim(1);
            float[] seed = new float[n * k];
            for (int i = 0; i < n; i++) {
                seed[i * k + output.slice(i).argMax()] = 1f;
            }
            return FloatTensor.wrapOwned(s, seed);
        }

        @Override
        public boolean isLinear() {
            return true;
        }

        @Override
        public FloatTensor curvature(FloatTensor output, FloatTensor direction) {
            return FloatTensor.zeros(InvalidArgumentException.requireNonNull(output, "output").shape());
        }
    }

    /**
     * A seed computed from the output values.
     *
     * @param seed      the seed for an output batch
     * @param curvature the seed's derivative along a direction, {@code (output, direction) -> H direction}, or null
     *                  when the target does not define it (second-order passes then fail clearly)
     */
    record OfOutput(Function<FloatTensor, FloatTensor> seed,
                    BiFunction<FloatTensor, FloatTensor, FloatTensor> curvature) implements Seed {
        public OfOutput {
            InvalidArgumentException.requireNonNull(seed, "seed");
        }

        /** A seed without a second derivative. */
        public OfOutput(Function<FloatTensor, FloatTensor> seed) {
            this(seed, null);
        }

        @Override
        public boolean isLinear() {
            return false;
        }

        @Override
        public FloatTensor curvature(FloatTensor output, FloatTensor direction) {
            if (curvature == null) {
                throw new dev.gradcam.api.InvalidArgumentException("this target's seed depends on the output but "
                        + "defines no second derivative, which second-order methods (shapley-cam) need; use a target "
                        + "that does (logit, softmax, ReST, raw scores) or one linear in the output");
            }
            return checked(curvature.apply(output, direction), output.shape());
        }

        @Override
        public boolean needsOutput() {
            return true;
        }

        @Override
        public FloatTensor resolve(FloatTensor output) {
            return checked(seed.apply(output), output.shape());
        }
    }

    private static FloatTensor checked(FloatTensor seed, Shape outputShape) {
        if (seed == null || !seed.shape().equals(outputShape)) {
            throw new InvalidInputException("a seed must have the output's shape " + outputShape + ", got "
                    + (seed == null ? "null" : seed.shape()));
        }
        return seed;
    }
}
