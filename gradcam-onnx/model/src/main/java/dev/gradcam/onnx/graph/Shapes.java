package dev.gradcam.onnx.graph;

import dev.gradcam.api.InvalidModelException;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The result of {@link ShapeInference}: the type of every value it could infer and the values known before the
 * model runs (initializers, Constant nodes, folded shape arithmetic). Thread-safe once built.
 */
public final class Shapes {

    /** Returned by {@link #intsArg} when a node has neither the attribute nor the input. */
    public static final long[] ABSENT = new long[0];

    private final Graph graph;
    private final Map<String, ValueType> types = new HashMap<>();
    private final Map<String, ConstValue> folded = new HashMap<>();
    private final Map<String, TensorProto> constantTensors = new HashMap<>();
    private final Map<String, ConstValue> decoded = new ConcurrentHashMap<>();
    private final List<String> problems = new ArrayList<>();

    Shapes(Graph graph) {
        this.graph = graph;
    }

    /** The graph these shapes describe. */
    public Graph graph() {
        return graph;
    }

    /** The inferred type, or null if nothing is known. */
    public ValueType type(String value) {
        ValueType t = types.get(value);
        if (t == null && graph.isInitializer(value)) {
            TensorProto init = graph.initializers().get(value);
            return ValueType.of(init.getDataType(), Tensors.dims(init));
        }
        return t;
    }

    /** True if the value's element type is floating (gradients can flow). */
    public boolean isFloating(String value) {
        ValueType t = type(value);
        return t != null && t.isFloating();
    }

    /**
     * The static dims of a value.
     *
     * @throws InvalidModelException naming the value and what shape inference reported, when its dims are not
     *                               fully known
     */
    public long[] dims(String value) {
        ValueType t = type(value);
        if (t == null || !t.isStatic()) {
            throw unknown(value, t);
        }
        return t.dims();
    }

    /**
     * The type of a value that must be known (at least its element type).
     *
     * @throws InvalidModelException naming the value and what shape inference reported
     */
    public ValueType knownType(String value) {
        ValueType t = type(value);
        if (t == null) {
            throw unknown(value, null);
        }
        return t;
    }

    private InvalidModelException unknown(String value, ValueType t) {
        return new InvalidModelException("the shape of '" + value + "' cannot be inferred"
                + (t == null ? "" : " statically (" + t + ")")
                + (problems.isEmpty() ? "" : "; shape inference reported: " + problems.get(0)));
    }

    /** The rank of a value, or -1. */
    public int rank(String value) {
        ValueType t = type(value);
        return t == null ? -1 : t.rank();
    }

    /** The value before the model runs, or null if it depends on the input. */
    public ConstValue constant(String value) {
        if (value == null || value.isEmpty()) {
            return null;
        }
        ConstValue c = folded.get(value);
        if (c != null) {
            return c;
        }
        TensorProto init = graph.initializers().get(value);
        if (init == null) {
            init = constantTensors.get(value);
        }
        if (init == null) {
            return null;
        }
        TensorProto t = init;
        // Weights are decoded only when a rule asks for them (e.g. a Pow exponent), and then once.
        return decoded.computeIfAbsent(value, k -> ConstValue.of(t));
    }

    /** True if the value is known before the model runs. */
    public boolean isConstant(String value) {
        return folded.containsKey(value) || graph.isInitializer(value) || constantTensors.containsKey(value);
    }

    /**
     * An integer list a node takes as an attribute (older opsets) or as a constant input (newer ones).
     *
     * @return the values; {@link #ABSENT} (compare by identity) when neither is given; null when the input is given
     *     but not constant
     */
    public long[] intsArg(Node n, String attribute, int input) {
        long[] a = n.attrInts(attribute);
        if (a != null) {
            return a;
        }
        if (!n.hasInput(input)) {
            return ABSENT;
        }
        ConstValue c = constant(n.input(input));
        return c == null ? null : c.longs();
    }

    /** Messages of nodes whose shapes could not be inferred. */
    public List<String> problems() {
        return Collections.unmodifiableList(problems);
    }

    void put(String value, ValueType type) {
        types.put(value, type);
    }

    void putConstant(String value, ConstValue c) {
        folded.put(value, c);
        types.put(value, c.type());
    }

    void putConstantTensor(String value, TensorProto t) {
        constantTensors.put(value, t);
        types.put(value, ValueType.of(t.getDataType(), Tensors.dims(t)));
    }

    void problem(String message) {
        problems.add(message);
    }

    static String dims(long[] d) {
        return d == null ? "[?...]" : Arrays.toString(d);
    }

    static int floatTypeOr(int t) {
        return t == ElementType.UNDEFINED ? ElementType.FLOAT : t;
    }
}
