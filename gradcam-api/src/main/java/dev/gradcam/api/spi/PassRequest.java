package dev.gradcam.api.spi;

import dev.gradcam.api.DifferentiableModel;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What one pass through a {@link DifferentiableModel} must compute. Immutable; build with {@link #builder(FloatTensor)}.
 *
 * <p>Without a {@link Seed} the pass is forward only: outputs and tap activations, no gradients.
 */
public final class PassRequest {

    private final FloatTensor input;
    private final String inputName;
    private final Map<String, FloatTensor> fixedInputs;
    private final String output;
    private final List<String> taps;
    private final boolean inputGradient;
    private final boolean biasGradients;
    private final boolean hessianProducts;
    private final Seed seed;
    private final GradientMode mode;

    private PassRequest(Builder b) {
        this.input = b.input;
        this.inputName = b.inputName;
        this.fixedInputs = Collections.unmodifiableMap(new LinkedHashMap<>(b.fixedInputs));
        this.output = b.output;
        this.taps = List.copyOf(b.taps);
        this.inputGradient = b.inputGradient;
        this.biasGradients = b.biasGradients;
        this.hessianProducts = b.hessianProducts;
        this.seed = b.seed;
        this.mode = b.mode;
    }

    /** A builder for a pass over {@code input} (a batch, e.g. [N, C, H, W]). */
    public static Builder builder(FloatTensor input) {
        return new Builder(input);
    }

    /** A forward-only pass returning just the output. */
    public static PassRequest forward(FloatTensor input) {
        return builder(input).build();
    }

    /** The input batch: the values of the attributed input, whose gradient {@link #inputGradient()} asks for. */
    public FloatTensor input() {
        return input;
    }

    /** The name of the input {@link #input()} feeds; empty means the model's first input. */
    public Optional<String> inputName() {
        return Optional.ofNullable(inputName);
    }

    /**
     * Values for the model's other inputs, by name, held fixed (no gradient): for models with several inputs, such
     * as image + depth or a siamese pair. Each has the batch size of {@link #input()}. Backends that take one input
     * reject a request with fixed inputs.
     */
    public Map<String, FloatTensor> fixedInputs() {
        return fixedInputs;
    }

    /**
     * The output to explain, by name; empty means the model's first output.
     *
     * <p>Besides a model output this may name any layer tensor ({@link LayerInfo#name()}), when the backend declares
     * {@link Capability#LAYER_OUTPUT}. The pass then treats that tensor as the output: {@link PassResult#output()}
     * holds its value, the seed has its shape ({@link Seed#resolve} receives it), and backpropagation starts there.
     * Taps the named layer does not depend on (those after it) still get activations, and gradients of zero.
     * Backends without the capability reject such a request with an
     * {@link dev.gradcam.api.UnsupportedCapabilityException}; an unknown name is an
     * {@link dev.gradcam.api.InvalidInputException}.
     */
    public Optional<String> output() {
        return Optional.ofNullable(output);
    }

    /** Resolved tensor names ({@link LayerInfo#name()}) whose activations (and gradients) are wanted. */
    public List<String> taps() {
        return taps;
    }

    /** Whether the gradient with respect to the input is wanted. */
    public boolean inputGradient() {
        return inputGradient;
    }

    /**
     * Whether the pass should also return, for every bias layer of the model, its bias and the gradient with respect
     * to its output ({@link PassResult#biasGradients()}), as FullGrad needs. Only backends declaring
     * {@link Capability#BIAS_GRADIENTS} honour it; others throw {@link dev.gradcam.api.UnsupportedCapabilityException}.
     */
    public boolean biasGradients() {
        return biasGradients;
    }

    /**
     * Whether the pass should also return, for every tap {@code A}, the Hessian-vector product {@code H A}: the
     * second derivative of the target (the scalar whose gradient the seed is) with respect to {@code A}, applied to
     * {@code A} itself, the target's own curvature in the output included ({@link PassResult#hessianProducts()}).
     * Each tap's product holds its own second derivatives only. Standard gradients only; only backends declaring
     * {@link Capability#HESSIAN_PRODUCTS} honour it, others throw {@link dev.gradcam.api.UnsupportedCapabilityException}.
     */
    public boolean hessianProducts() {
        return hessianProducts;
    }

    /** The seed; empty for a forward-only pass. */
    public Optional<Seed> seed() {
        return Optional.ofNullable(seed);
    }

    /**
     * How gradients flow back. In the LRP modes ({@link LrpModes}) the pass returns relevances, not gradients, at the
     * taps and the input.
     */
    public GradientMode mode() {
        return mode;
    }

    /** True if gradients are requested. */
    public boolean needsBackward() {
        return seed != null;
    }

    /** A builder pre-filled with this request. */
    public Builder toBuilder() {
        Builder b = new Builder(input);
        b.inputName = inputName;
        b.fixedInputs.putAll(fixedInputs);
        b.output = output;
        b.taps.addAll(taps);
        b.inputGradient = inputGradient;
        b.biasGradients = biasGradients;
        b.hessianProducts = hessianProducts;
        b.seed = seed;
        b.mode = mode;
        return b;
    }

    /** Builds {@link PassRequest}s. Not thread-safe. */
    public static final class Builder {
        private FloatTensor input;
        private String inputName;
        private final Map<String, FloatTensor> fixedInputs = new LinkedHashMap<>();
        private String output;
        private final List<String> taps = new ArrayList<>();
        private boolean inputGradient;
        private boolean biasGradients;
        private boolean hessianProducts;
        private Seed seed;
        private GradientMode mode = GradientMode.STANDARD;

        private Builder(FloatTensor input) {
            this.input = InvalidArgumentException.requireNonNull(input, "input");
        }

        /** Replaces the input batch. */
        public Builder input(FloatTensor input) {
            this.input = InvalidArgumentException.requireNonNull(input, "input");
            return this;
        }

        /** Names the input the batch feeds (default: the model's first). */
        public Builder inputName(String name) {
            this.inputName = name;
            return this;
        }

        /** Feeds another input of the model a fixed value, with the batch size of the input batch. */
        public Builder fixedInput(String name, FloatTensor value) {
            fixedInputs.put(InvalidArgumentException.requireNonNull(name, "name"), InvalidArgumentException.requireNonNull(value, "value"));
            return this;
        }

        /** Feeds other inputs fixed values; replaces those given before. */
        public Builder fixedInputs(Map<String, FloatTensor> values) {
            fixedInputs.clear();
            values.forEach(this::fixedInput);
            return this;
        }

        public Builder output(String name) {
            this.output = name;
            return this;
        }

        public Builder tap(String tensorName) {
            taps.add(InvalidArgumentException.requireNonNull(tensorName, "tensorName"));
            return this;
        }

        public Builder taps(List<String> tensorNames) {
            tensorNames.forEach(this::tap);
            return this;
        }

        public Builder inputGradient(boolean wanted) {
            this.inputGradient = wanted;
            return this;
        }

        /** Asks for every bias layer's bias and output gradient (FullGrad); needs a seed. */
        public Builder biasGradients(boolean wanted) {
            this.biasGradients = wanted;
            return this;
        }

        /** Asks for every tap's Hessian-vector product {@code H A} (ShapleyCAM); needs a seed and standard mode. */
        public Builder hessianProducts(boolean wanted) {
            this.hessianProducts = wanted;
            return this;
        }

        public Builder seed(Seed seed) {
            this.seed = seed;
            return this;
        }

        public Builder mode(GradientMode mode) {
            this.mode = InvalidArgumentException.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Builds the request.
         *
         * @throws InvalidArgumentException if an input or bias gradient is asked for without a seed
         */
        public PassRequest build() {
            if (inputGradient && seed == null) {
                throw new InvalidArgumentException("an input gradient needs a seed (a target); none was given");
            }
            if (biasGradients && seed == null) {
                throw new InvalidArgumentException("bias gradients need a seed (a target); none was given");
            }
            if (hessianProducts && (seed == null || mode != GradientMode.STANDARD)) {
                throw new InvalidArgumentException("Hessian-vector products need a seed (a target) and standard "
                        + "gradients; got " + (seed == null ? "no seed" : "mode " + mode));
            }
            if (inputName != null && fixedInputs.containsKey(inputName)) {
                throw new IllegalStateException("input '" + inputName + "' is both the attributed input and fixed");
            }
            return new PassRequest(this);
        }
    }
}
