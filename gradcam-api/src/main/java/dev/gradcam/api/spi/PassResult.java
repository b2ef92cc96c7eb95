package dev.gradcam.api.spi;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a pass computed: the explained output, activations and gradients at the taps, and optionally the input
 * gradient. Immutable.
 *
 * <p>When the request named a layer as its output, {@link #output()} is that layer's value. In the LRP modes
 * ({@link LrpModes}), {@link #gradients()} and {@link #inputGradient()} hold relevances instead of gradients.
 */
public final class PassResult {

    private final FloatTensor output;
    private final Map<String, FloatTensor> activations;
    private final Map<String, FloatTensor> gradients;
    private final FloatTensor inputGradient;
    private final FloatTensor seed;
    private final List<BiasGradient> biasGradients;
    private final Map<String, FloatTensor> hessianProducts;

    /**
     * @param output        the explained output, e.g. logits [N, K]
     * @param activations   tap name to activations
     * @param gradients     tap name to gradients (empty for a forward pass)
     * @param inputGradient gradient with respect to the input, or null
     * @param seed          the seed that started backpropagation, or null for a forward pass
     */
    public PassResult(FloatTensor output, Map<String, FloatTensor> activations, Map<String, FloatTensor> gradients,
                      FloatTensor inputGradient, FloatTensor seed) {
        this(output, activations, gradients, inputGradient, seed, List.of());
    }

    /**
     * A result that also carries bias gradients, for passes that asked for {@link PassRequest#biasGradients()}.
     *
     * @param biasGradients every bias layer's bias and output gradient, in topological order
     */
    public PassResult(FloatTensor output, Map<String, FloatTensor> activations, Map<String, FloatTensor> gradients,
                      FloatTensor inputGradient, FloatTensor seed, List<BiasGradient> biasGradients) {
        this(output, activations, gradients, inputGradient, seed, biasGradients, Map.of());
    }

    private PassResult(FloatTensor output, Map<String, FloatTensor> activations, Map<String, FloatTensor> gradients,
                       FloatTensor inputGradient, FloatTensor seed, List<BiasGradient> biasGradients,
                       Map<String, FloatTensor> hessianProducts) {
        InvalidArgumentException.requireNonNull(activations, "activations");
        InvalidArgumentException.requireNonNull(gradients, "gradients");
        InvalidArgumentException.requireNonNull(biasGradients, "biasGradients");
        this.hessianProducts = Map.copyOf(hessianProducts);
        this.biasGradients = List.copyOf(biasGradients);
        this.output = InvalidArgumentException.requireNonNull(output, "output");
        this.activations = Map.copyOf(activations);
        this.gradients = Map.copyOf(gradients);
        this.inputGradient = inputGradient;
        this.seed = seed;
    }

    public FloatTensor output() {
        return output;
    }

    public Map<String, FloatTensor> activations() {
        return activations;
    }

    public Map<String, FloatTensor> gradients() {
        return gradients;
    }

    /** Activations at a tap; fails clearly if the pass did not compute them. */
    public FloatTensor activation(String tap) {
        InvalidArgumentException.requireNonNull(tap, "tap");
        FloatTensor t = activations.get(tap);
        if (t == null) {
            throw new InvalidInputException("no activations for tap '" + tap + "'; this pass has " + activations.keySet());
        }
        return t;
    }

    /** Gradients at a tap; fails clearly if the pass did not compute them. */
    public FloatTensor gradient(String tap) {
        InvalidArgumentException.requireNonNull(tap, "tap");
        FloatTensor t = gradients.get(tap);
        if (t == null) {
            throw new InvalidInputException("no gradients for tap '" + tap + "'; this pass has " + gradients.keySet());
        }
        return t;
    }

    public Optional<FloatTensor> inputGradient() {
        return Optional.ofNullable(inputGradient);
    }

    public Optional<FloatTensor> seed() {
        return Optional.ofNullable(seed);
    }

    /** Bias layers' biases and output gradients, in topological order; empty unless the request asked for them. */
    public List<BiasGradient> biasGradients() {
        return biasGradients;
    }

    /**
     * Tap name to {@code H A}, the Hessian of the target with respect to the tap times the tap's activation, shaped
     * like the activation; empty unless the request asked for {@link PassRequest#hessianProducts()}.
     */
    public Map<String, FloatTensor> hessianProducts() {
        return hessianProducts;
    }

    /** This result with the taps' Hessian-vector products added (what a backend returns for such a request). */
    public PassResult withHessianProducts(Map<String, FloatTensor> products) {
        InvalidArgumentException.requireNonNull(products, "products");
        return new PassResult(output, activations, gradients, inputGradient, seed, biasGradients, products);
    }
}
