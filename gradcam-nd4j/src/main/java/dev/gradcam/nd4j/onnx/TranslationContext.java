package dev.gradcam.nd4j.onnx;

import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The state of one ONNX to SameDiff translation: the SameDiff graph under construction, the ONNX values already
 * translated, and shapes inferred at two batch sizes.
 *
 * <p>Why two: SameDiff placeholders keep the batch axis open, while ONNX shape arithmetic (Reshape targets, Flatten)
 * is folded to numbers by shape inference. A dimension that differs between batch 1 and batch 2 is the batch and
 * becomes -1; every other dimension is static. Not thread-safe; one per translation.
 */
final class TranslationContext {

    private final SameDiff sd;
    private final Graph graph;
    private final Shapes one;
    private final Shapes two;
    private final Map<String, SDVariable> values = new HashMap<>();
    private final Map<String, FloatTensor> biases = new LinkedHashMap<>();
    private int counter;

    TranslationContext(SameDiff sd, Graph graph, Shapes one, Shapes two) {
        this.sd = sd;
        this.graph = graph;
        this.one = one;
        this.two = two;
    }

    SameDiff sd() {
        return sd;
    }

    Graph graph() {
        return graph;
    }

    /** Shapes inferred at batch size 1 (for constants and static sizes). */
    Shapes shapes() {
        return one;
    }

    /** Registers {@code var} as the translation of ONNX value {@code name}, renaming it to that name. */
    SDVariable define(String name, SDVariable var) {
        SDVariable named = var.name().equals(name) ? var : var.rename(name);
        values.put(name, named);
        return named;
    }

    /** Records that ONNX value {@code layer} is a bias layer's output with effective bias {@code bias} (FullGrad). */
    void biasLayer(String layer, float[] bias) {
        biases.put(layer, FloatTensor.of(Shape.of(bias.length), bias));
    }

    /** The bias layers recorded so far, in topological order. */
    Map<String, FloatTensor> biasLayers() {
        return biases;
    }

    /** True if ONNX value {@code name} has been translated. */
    boolean isDefined(String name) {
        return values.containsKey(name);
    }

    /**
     * The SameDiff variable for ONNX value {@code name}: a translated activation, or a constant created on first use
     * (floating constants as float32, integer ones as int64).
     */
    SDVariable value(String name) {
        SDVariable v = values.get(name);
        if (v != null) {
            return v;
        }
        ConstValue c = one.constant(name);
        if (c == null) {
            throw new IllegalStateException("ONNX value '" + name + "' is used before it is computed");
        }
        v = sd.constant(uniqueName("onnx_const"), toArray(c));
        values.put(name, v);
        return v;
    }

    /** Input {@code i} of {@code n} as a SameDiff variable. */
    SDVariable in(Node n, int i) {
        return value(n.input(i));
    }

    /** The constant value of input {@code i} of {@code n}, or null when it depends on the model input. */
    ConstValue constant(Node n, int i) {
        return n.hasInput(i) ? one.constant(n.input(i)) : null;
    }

    /** The constant value of input {@code i}, which the translation needs to be constant. */
    ConstValue requireConstant(Node n, int i, String what) {
        ConstValue c = constant(n, i);
        if (c == null) {
            throw unsupported(n, what + " (input " + i + ") must be known before the model runs");
        }
        return c;
    }

    /** Static dims of a value at batch size 1. */
    long[] staticDims(String value) {
        return one.dims(value);
    }

    /** The rank of a value. */
    int rank(String value) {
        return one.rank(value);
    }

    /**
     * The dims of a value with -1 for the batch axis: the axis whose size follows the input's batch size.
     *
     * @throws UnsupportedOperatorException if more than one axis follows the batch (a shape SameDiff cannot state)
     */
    long[] batchedDims(Node n, String value) {
        long[] a = one.dims(value);
        long[] b = two.dims(value);
        int dynamic = 0;
        for (int i = 0; i < a.length; i++) {
            if (a[i] != b[i]) {
                a[i] = -1;
                dynamic++;
            }
        }
        if (dynamic > 1) {
            throw unsupported(n, "the shape of '" + value + "' depends on the batch size on " + dynamic + " axes");
        }
        return a;
    }

    /** A float32 constant. */
    SDVariable floatConstant(float[] data, long... dims) {
        return sd.constant(uniqueName("onnx_const"), Nd4j.create(data, dims, 'c'));
    }

    /** A variable name not yet used in the graph, from {@code prefix}. */
    String uniqueName(String prefix) {
        String name;
        do {
            name = prefix + "_" + counter++;
        } while (sd.hasVariable(name));
        return name;
    }

    /** An error naming the op, the node and the supported ops. */
    UnsupportedOperatorException unsupported(Node n, String why) {
        return new UnsupportedOperatorException(n.opType(), n.label(), why, OpTable.supported());
    }

    /** The element type of a value, or null. */
    ValueType type(String value) {
        return one.type(value);
    }

    private static INDArray toArray(ConstValue c) {
        long[] dims = c.dims();
        if (c.isInteger()) {
            long[] v = c.longs();
            return dims.length == 0 ? Nd4j.scalar(v[0]) : Nd4j.createFromArray(v).reshape(dims);
        }
        double[] d = c.doubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return dims.length == 0 ? Nd4j.scalar(f[0]) : Nd4j.create(f, dims, 'c');
    }
}
