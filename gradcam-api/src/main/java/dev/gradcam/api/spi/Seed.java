package dev.gradcam.api.spi;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
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
    }

    /** A seed computed from the output values. */
    record OfOutput(Function<FloatTensor, FloatTensor> seed) implements Seed {
        public OfOutput {
            InvalidArgumentException.requireNonNull(seed, "seed");
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
