package dev.gradcam.api;

import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.layer.LayerResolver;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model that can run forward and backward passes: the backend SPI every explanation method is built on.
 *
 * <p>Implementations must be safe for concurrent {@link #run} calls from many threads, cache whatever they compile
 * (no per-call graph compilation or session creation on the hot path), and make {@link #close()} idempotent; every
 * other call after close, metadata getters included, throws {@link dev.gradcam.api.ResourceClosedException}, except
 * {@link #isClosed()} and {@link #backendName()} (a constant, used in messages).
 */
public interface DifferentiableModel extends AutoCloseable {

    /** The backend's name, e.g. {@code onnx} or {@code nd4j}. */
    String backendName();

    /** Where passes run, e.g. {@code CUDA:0} or {@code CPU}. */
    String executionProvider();

    /** Model inputs; methods use the first. */
    List<ValueInfo> inputs();

    /** Model outputs. */
    List<ValueInfo> outputs();

    /** Candidate layers in topological order. */
    List<LayerInfo> layers();

    /** What this backend can do beyond forward passes. */
    Set<Capability> capabilities();

    /** Gradient modes accepted by {@link #run}; always contains {@link GradientMode#STANDARD}. */
    Set<GradientMode> gradientModes();

    /**
     * Whether {@link #run} accepts {@code mode}: its family is listed in {@link #gradientModes()}, and so is the
     * family of its input-layer rule, if it has one. Parameter values do not matter here (a backend rejects values
     * it cannot use when it runs).
     */
    default boolean supports(GradientMode mode) {
        java.util.function.Predicate<GradientMode> listed = m -> gradientModes().stream().anyMatch(m::sameFamily);
        return listed.test(mode) && mode.inputLayer().map(listed::test).orElse(true);
    }

    /**
     * Runs one pass.
     *
     * @throws dev.gradcam.api.InvalidInputException           if the input does not fit the model
     * @throws UnsupportedCapabilityException                  if a gradient mode or input gradient is not supported
     * @throws dev.gradcam.api.UnsupportedOperatorException    if the model cannot be differentiated where asked
     */
    PassResult run(PassRequest request);

    /**
     * Runs the model from {@code layer} onward with {@code activations} in place of that layer's values, and returns
     * the named output (null for the first). The batch size of {@code activations} is free, which is what ablation
     * methods need: run the backbone once, then only the head, for many ablated copies at once.
     *
     * @throws UnsupportedCapabilityException if {@link Capability#HEAD_EXECUTION} is not declared
     */
    default FloatTensor runHead(String layer, FloatTensor activations, String output) {
        throw new UnsupportedCapabilityException(Capability.HEAD_EXECUTION, backendName(),
                "use a method that needs no head execution, or another backend");
    }

    /**
     * As {@link #runHead(String, FloatTensor, String)}, for heads that also read values computed before the layer
     * (a skip connection around it, as in every transformer block): those are recomputed from {@code input}, the
     * model input of each row of {@code activations} (batch 1: the same image for every row). Backends that cannot
     * recompute them ignore {@code input} and fail as the three-argument form does.
     */
    default FloatTensor runHead(String layer, FloatTensor activations, String output, FloatTensor input) {
        return runHead(layer, activations, output);
    }

    /** A forward pass returning the first output. */
    default FloatTensor forward(FloatTensor input) {
        return run(PassRequest.forward(input)).output();
    }

    /**
     * About how many bytes one more image adds to a forward pass on inputs of this shape (batch axis first, any
     * batch size): the pass's intermediate tensors for one image, summed. An upper bound, since backends free
     * intermediates as a pass goes; methods that size their batches to a memory budget use it. -1 when the backend
     * cannot tell. The default sums {@link #layers()}' shapes at 4 bytes an element, so it knows only inputs of the
     * declared size and layers whose shapes do not depend on what the data holds.
     *
     * @throws dev.gradcam.api.InvalidInputException where the backend checks the shape and the model cannot take it
     */
    default long forwardBytesPerImage(Shape inputShape) {
        InvalidArgumentException.requireNonNull(inputShape, "inputShape");
        Shape declared = inputs().get(0).shape();
        if (inputShape.rank() < 1 || !declared.accepts(inputShape) || !declared.dropFirst(1).isStatic()) {
            return -1;
        }
        long total = 0;
        for (LayerInfo layer : layers()) {
            long bytes = floatBytesPerImage(layer.shape());
            if (bytes < 0) {
                return -1;
            }
            total = Math.addExact(total, bytes);
        }
        return total;
    }

    /** A float32 layer's bytes per image (a scalar counts once), -1 where its size per image is open. */
    private static long floatBytesPerImage(Shape shape) {
        Shape perImage = shape.rank() == 0 ? shape : shape.dropFirst(1);
        if (!perImage.isStatic()) {
            return -1;
        }
        long elements = 1;
        for (long d : perImage.dims()) {
            elements = Math.multiplyExact(elements, d);
        }
        return Math.multiplyExact(elements, 4L);
    }

    /**
     * Resolves a tensor name, node name, PyTorch-style module path or {@code auto} to a layer.
     *
     * @throws dev.gradcam.api.UnknownLayerException listing the nearest candidates
     */
    default LayerInfo resolveLayer(String query) {
        return LayerResolver.resolve(layers(), query);
    }

    /**
     * How a layer holds its feature maps (channels first, channels last or tokens), grid not yet filled in; null
     * when the layer holds no feature maps. Backends that see the graph know best; the default guesses from the
     * layer's shape and operator ({@link LayerLayout#guess}).
     */
    default LayerLayout layoutOf(LayerInfo layer) {
        return LayerLayout.guess(layer, layers());
    }

    /** Versions and settings for provenance, e.g. {@code onnxruntime -> 1.24.2}. */
    default Map<String, String> provenance() {
        if (isClosed()) {
            throw new dev.gradcam.api.ResourceClosedException(backendName() + " model");
        }
        return Map.of();
    }

    /** True once {@link #close()} has been called. */
    boolean isClosed();

    /** Releases native resources. Idempotent; never throws checked exceptions. */
    @Override
    void close();
}
