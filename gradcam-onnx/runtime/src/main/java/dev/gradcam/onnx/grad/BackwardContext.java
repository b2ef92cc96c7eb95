package dev.gradcam.onnx.grad;

import dev.gradcam.api.InvalidModelException;
import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.api.spi.GradientMode;
import java.util.Arrays;
import java.util.List;

/**
 * What a {@link BackwardRule} sees of one node during compilation: the node, static shapes, the incoming gradients,
 * where to emit, and where to deliver input gradients. Created by the {@link GradientCompiler}, one per node.
 */
public final class BackwardContext {

    private final Node node;
    private final Shapes shapes;
    private final Emitter emitter;
    private final GradientMode mode;
    private final String[] outputGrads;
    private final boolean[] needed;
    private final String[] inputGrads;
    private final ForwardRewrites rewrites;
    private final String modelInput;
    private final List<String> inputRelevance;
    private final boolean[] relevanceDelivered;
    private final boolean[] constants;

    BackwardContext(Node node, Shapes shapes, Emitter emitter, GradientMode mode, String[] outputGrads,
                    boolean[] needed, ForwardRewrites rewrites, String modelInput, List<String> inputRelevance) {
        this.node = node;
        this.shapes = shapes;
        this.emitter = emitter;
        this.mode = mode;
        this.outputGrads = outputGrads;
        this.needed = needed;
        this.inputGrads = new String[needed.length];
        this.rewrites = rewrites;
        this.modelInput = modelInput;
        this.inputRelevance = inputRelevance;
        this.relevanceDelivered = new boolean[needed.length];
        this.constants = new boolean[needed.length];
    }

    public Node node() {
        return node;
    }

    public Shapes shapes() {
        return shapes;
    }

    public Emitter emit() {
        return emitter;
    }

    public GradientMode mode() {
        return mode;
    }

    /** The gradient arriving at output {@code i}, or null if none flows there. */
    public String gradient(int output) {
        return output < outputGrads.length ? outputGrads[output] : null;
    }

    /** The gradient at output 0, which every single-output rule needs. */
    public String gradient() {
        String g = gradient(0);
        if (g == null) {
            throw unsupported("no gradient reaches its first output");
        }
        return g;
    }

    /**
     * The gradient at output {@code i}, or zeros of that output's shape when none flows there (a Split whose other
     * parts are unused).
     */
    public String gradientOrZeros(int output) {
        String g = gradient(output);
        return g != null ? g : emitter.zeros(dims(node.output(output)), elemType());
    }

    /** True if input {@code i} is on the gradient path and needs a gradient. */
    public boolean needsGradient(int input) {
        return input < needed.length && needed[input];
    }

    /** Delivers the gradient of input {@code i} (its shape must equal the input's). */
    public void addGradient(int input, String gradient) {
        if (!needsGradient(input)) {
            return;
        }
        if (inputGrads[input] != null) {
            inputGrads[input] = emitter.add(inputGrads[input], gradient);
        } else {
            inputGrads[input] = gradient;
        }
    }

    String[] inputGradients() {
        return inputGrads;
    }

    /** The model input's value name. */
    public String modelInput() {
        return modelInput;
    }

    /** True if input {@code i} of the node is the model input itself. */
    public boolean readsModelInput(int i) {
        return node.hasInput(i) && node.input(i).equals(modelInput);
    }

    /**
     * Delivers relevance at the model input directly, instead of a gradient for input {@code i} (which must be the
     * model input): what LRP's input-layer-only rules (z-box, flat, w-square) compute. Contributions are summed.
     */
    public void addInputRelevance(int input, String relevance) {
        if (!needsGradient(input)) {
            return;
        }
        if (!readsModelInput(input)) {
            throw unsupported("relevance can only be delivered at the model input, not at '" + node.input(input)
                    + "'");
        }
        inputRelevance.add(relevance);
        relevanceDelivered[input] = true;
    }

    /**
     * Declares input {@code i} a constant of the backward pass even where it depends on the model input (RoiAlign's
     * boxes, which torchvision detaches): no gradient flows into it, and none is asked for.
     */
    public void constantInput(int input) {
        if (input < constants.length) {
            constants[input] = true;
        }
    }

    /** True if input {@code i} was declared a constant of the backward pass ({@link #constantInput}). */
    boolean isConstantInput(int input) {
        return constants[input];
    }

    /** True if input {@code i} received relevance directly ({@link #addInputRelevance}). */
    boolean deliveredRelevance(int input) {
        return relevanceDelivered[input];
    }

    /** Input {@code i}'s value name. */
    public String input(int i) {
        return node.input(i);
    }

    /** Output {@code i}'s value name. */
    public String output(int i) {
        return node.output(i);
    }

    /**
     * The name of output {@code i} of the forward node, adding that output to the node if the model did not ask
     * for it (MaxPool's Indices, say): computed once, in the forward pass.
     */
    public String forwardOutput(int i) {
        String existing = node.output(i);
        if (!existing.isEmpty()) {
            return existing;
        }
        return rewrites.addOutput(node, i, emitter.fresh(node.opType() + "_out" + i));
    }

    /** Static dims of a value. */
    public long[] dims(String value) {
        try {
            return shapes.dims(value);
        } catch (InvalidModelException e) { // ShapeInferenceException among them
            throw unsupported(e.getMessage());
        }
    }

    /** The floating element type of the node's first output (the type gradients carry). */
    public int elemType() {
        return elemType(node.output(0));
    }

    /** The element type of a value. */
    public int elemType(String value) {
        ValueType t = shapes.type(value);
        return Emitter.floatType(t == null ? 0 : t.elemType());
    }

    /** The constant value of an input, or null if it depends on the model input. */
    public ConstValue constant(int input) {
        return node.hasInput(input) ? shapes.constant(node.input(input)) : null;
    }

    /** A scalar constant of the gradient's element type. */
    public String scalar(double v) {
        return emitter.scalar(v, elemType());
    }

    /**
     * Reduces a gradient of broadcast shape {@code from} back to an operand's shape {@code to} (numpy broadcasting):
     * sums over the broadcast axes, then drops the leading ones.
     */
    public String unbroadcast(String grad, long[] from, long[] to) {
        if (Arrays.equals(from, to)) {
            return grad;
        }
        int r = from.length;
        int off = r - to.length;
        long[] axes = new long[r];
        int n = 0;
        for (int i = 0; i < r; i++) {
            long t = i < off ? 1 : to[i - off];
            if (i < off || t == 1 && from[i] != 1) {
                axes[n++] = i;
            }
        }
        String out = grad;
        if (n > 0) {
            out = emitter.reduceSum(grad, Arrays.copyOf(axes, n), true);
        }
        return emitter.reshape(out, to);
    }

    /** An exception naming this node, for a case only opset {@code needed} or later can differentiate. */
    public OpsetTooOldException needsOpset(int needed, String why) {
        return new OpsetTooOldException(node.opType(), node.label(), why + " (the model has opset "
                + emitter.opset() + ")", needed);
    }

    /** An exception naming this node, for a case the rule cannot handle. */
    public UnsupportedOperatorException unsupported(String why) {
        return new UnsupportedOperatorException(node.opType(), node.label(), why);
    }
}
