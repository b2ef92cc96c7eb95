package dev.gradcam.api.target;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/** A user-defined target from a score function and its gradient. */
record CustomTarget(String description, ToDoubleFunction<FloatTensor> scoreFn,
                    Function<FloatTensor, FloatTensor> gradientFn, boolean linear) implements Target {

    CustomTarget {
        InvalidArgumentException.requireNonNull(description, "description");
        InvalidArgumentException.requireNonNull(scoreFn, "score");
        InvalidArgumentException.requireNonNull(gradientFn, "gradient");
    }

    @Override
    public double score(FloatTensor output) {
        return scoreFn.applyAsDouble(output);
    }

    @Override
    public FloatTensor gradient(FloatTensor output) {
        return gradientFn.apply(output);
    }

    @Override
    public boolean dependsOnOutput() {
        return !linear;
    }

    @Override
    public String describe() {
        return description;
    }
}
