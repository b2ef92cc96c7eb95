package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Appends new nodes and constants to a graph under construction, in the form the model's opset wants (axes as
 * attributes before opset 13 and as inputs after, and so on), with fresh names under a {@code gradcam/} prefix.
 * Not thread-safe: one emitter per compilation.
 */
public final class Emitter {

    private final int opset;
    private final String prefix;
    private final List<NodeProto> nodes = new ArrayList<>();
    private final List<TensorProto> initializers = new ArrayList<>();
    private final Map<String, String> constantCache = new HashMap<>();
    private int counter;
    private final boolean blockedLayout;

    /**
     * @param opset  the default-domain opset of the model the nodes join
     * @param prefix name prefix for everything emitted, e.g. {@code gradcam/}
     */
    public Emitter(int opset, String prefix) {
        this(opset, prefix, true);
    }

    /**
     * @param opset         the default-domain opset of the model the nodes join
     * @param prefix        name prefix for everything emitted
     * @param blockedLayout whether to prefer forms that keep ONNX Runtime's CPU provider in its blocked layout
     *                      ({@link BlockedLayout}); off for other providers, where they only add work
     */
    public Emitter(int opset, String prefix, boolean blockedLayout) {
        this.opset = opset;
        this.prefix = prefix;
        this.blockedLayout = blockedLayout;
    }

    /** Whether CPU blocked-layout forms are wanted. */
    public boolean blockedLayout() {
        return blockedLayout;
    }

    public int opset() {
        return opset;
    }

    /** Emitted nodes, in emission order (which is a valid topological order). */
    public List<NodeProto> nodes() {
        return nodes;
    }

    /** Emitted constants. */
    public List<TensorProto> initializers() {
        return initializers;
    }

    /** A fresh value name. */
    public String fresh(String hint) {
        return prefix + hint + "_" + (counter++);
    }

    /** Emits a node with one output and returns the output's name. */
    public String op(String opType, List<String> inputs, AttributeProto... attrs) {
        String out = fresh(opType);
        opInto(opType, inputs, List.of(out), attrs);
        return out;
    }

    /** Emits a node with the given outputs. */
    public void opInto(String opType, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(opType).setName(fresh(opType + "_node"))
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        nodes.add(b.build());
    }

    public String op(String opType, String input, AttributeProto... attrs) {
        return op(opType, List.of(input), attrs);
    }

    public String op(String opType, String a, String b, AttributeProto... attrs) {
        return op(opType, List.of(a, b), attrs);
    }

    // ---- constants ------------------------------------------------------------------------------------------------

    /** Adds an initializer and returns its name. */
    public String constant(TensorProto t) {
        String name = fresh("const");
        initializers.add(t.toBuilder().setName(name).build());
        return name;
    }

    /** A 1-D int64 constant (shared between uses). */
    public String longs(long... values) {
        String key = "i64" + Arrays.toString(values);
        return constantCache.computeIfAbsent(key, k -> constant(Tensors.ofLongs("", values)));
    }

    /** A scalar int64 constant. */
    public String longScalar(long value) {
        String key = "i64s" + value;
        return constantCache.computeIfAbsent(key,
                k -> constant(Tensors.ofLongs("", new long[0], new long[] {value})));
    }

    /** A scalar of a floating type (shared between uses). */
    public String scalar(double value, int elemType) {
        String key = "s" + elemType + ":" + Double.doubleToLongBits(value);
        return constantCache.computeIfAbsent(key,
                k -> constant(Tensors.ofReal("", elemType, new long[0], new double[] {value})));
    }

    /** A floating tensor constant. */
    public String reals(long[] dims, double[] values, int elemType) {
        return constant(Tensors.ofReal("", elemType, dims, values));
    }

    /** A tensor of zeros of the given static dims, made at run time (no big initializer). */
    public String zeros(long[] dims, int elemType) {
        return filled(dims, 0.0, elemType);
    }

    /** A tensor filled with {@code value}, made at run time by ConstantOfShape. */
    public String filled(long[] dims, double value, int elemType) {
        TensorProto v = Tensors.ofReal("", elemType, new long[] {1}, new double[] {value});
        return op("ConstantOfShape", longs(dims), Attr.t("value", v));
    }

    // ---- arithmetic -----------------------------------------------------------------------------------------------

    public String add(String a, String b) {
        return op("Add", a, b);
    }

    public String sub(String a, String b) {
        return op("Sub", a, b);
    }

    public String mul(String a, String b) {
        return op("Mul", a, b);
    }

    public String div(String a, String b) {
        return op("Div", a, b);
    }

    public String neg(String a) {
        return op("Neg", a);
    }

    /** {@code cond ? a : b}. */
    public String where(String cond, String a, String b) {
        return op("Where", List.of(cond, a, b));
    }

    public String greater(String a, String b) {
        return op("Greater", a, b);
    }

    public String less(String a, String b) {
        return op("Less", a, b);
    }

    public String and(String a, String b) {
        return op("And", a, b);
    }

    /** Sums values of equal shape; one value is returned as is. */
    public String sum(List<String> values) {
        if (values.size() == 1) {
            return values.get(0);
        }
        return op("Sum", values);
    }

    public String cast(String x, int to) {
        return op("Cast", x, Attr.i("to", to));
    }

    // ---- shape ops, opset-aware -----------------------------------------------------------------------------------

    public String reshape(String x, long[] dims) {
        return op("Reshape", x, longs(dims));
    }

    /**
     * Reshapes {@code x}, whose dims are {@code xDims}, to {@code dims}, writing the leading dims the two share as 0
     * ("copy the input's"): the same result, but a batch-symbolic graph ({@link SymbolicBatch}) then needs no
     * computed target, and ONNX Runtime's shape inference carries the batch dim through the Reshape, which its CPU
     * provider needs to keep what follows in its blocked layout.
     */
    public String reshape(String x, long[] xDims, long[] dims) {
        long[] target = dims.clone();
        for (int i = 0; i < Math.min(xDims.length, dims.length) && xDims[i] == dims[i] && dims[i] > 0; i++) {
            target[i] = 0;
        }
        return reshape(x, target);
    }

    public String transpose(String x, long[] perm) {
        return op("Transpose", x, Attr.ints("perm", perm));
    }

    /** Transposes a rank-{@code rank} value, swapping axes {@code a} and {@code b}. */
    public String swapAxes(String x, int rank, int a, int b) {
        long[] perm = new long[rank];
        for (int i = 0; i < rank; i++) {
            perm[i] = i;
        }
        perm[a] = b;
        perm[b] = a;
        return transpose(x, perm);
    }

    public String expand(String x, long[] dims) {
        return op("Expand", x, longs(dims));
    }

    /**
     * Broadcasts {@code x}, whose dims are {@code xDims} (same rank), to {@code dims}, writing 1 ("keep x's") where
     * x already has the size: the same result, a target that does not hold the batch size (so a batch-symbolic graph
     * needs no computed target, see {@link SymbolicBatch}), and shape inference keeps x's named dims, which ONNX
     * Runtime's CPU provider needs to keep what follows in its blocked layout.
     */
    public String expand(String x, long[] xDims, long[] dims) {
        if (xDims.length != dims.length) {
            return expand(x, dims);
        }
        long[] target = dims.clone();
        for (int i = 0; i < dims.length; i++) {
            target[i] = xDims[i] == dims[i] ? 1 : dims[i];
        }
        return expand(x, target);
    }

    /** ReduceSum over axes; axes moved from attribute to input at opset 13. */
    public String reduceSum(String x, long[] axes, boolean keepDims) {
        return reduce("ReduceSum", 13, x, axes, keepDims);
    }

    /** ReduceMean over axes; axes moved from attribute to input at opset 18. */
    public String reduceMean(String x, long[] axes, boolean keepDims) {
        return reduce("ReduceMean", 18, x, axes, keepDims);
    }

    private String reduce(String opType, int inputSince, String x, long[] axes, boolean keepDims) {
        if (opset >= inputSince) {
            return op(opType, List.of(x, longs(axes)), Attr.i("keepdims", keepDims ? 1 : 0));
        }
        return op(opType, x, Attr.ints("axes", axes), Attr.i("keepdims", keepDims ? 1 : 0));
    }

    /** Slice with unit steps; starts/ends moved from attributes to inputs at opset 10. */
    public String slice(String x, long[] starts, long[] ends, long[] axes) {
        if (opset >= 10) {
            return op("Slice", List.of(x, longs(starts), longs(ends), longs(axes)));
        }
        return op("Slice", x, Attr.ints("starts", starts), Attr.ints("ends", ends), Attr.ints("axes", axes));
    }

    /** Slice with steps (opset 10 and later). */
    public String slice(String x, long[] starts, long[] ends, long[] axes, long[] steps) {
        return op("Slice", List.of(x, longs(starts), longs(ends), longs(axes), longs(steps)));
    }

    /** Constant zero padding; pads moved from attribute to input at opset 11. */
    public String pad(String x, long[] pads, int elemType) {
        if (opset >= 11) {
            return op("Pad", List.of(x, longs(pads), scalar(0, elemType)));
        }
        return op("Pad", x, Attr.ints("pads", pads), Attr.s("mode", "constant"), Attr.f("value", 0f));
    }

    /** Concatenation along an axis. */
    public String concat(List<String> parts, long axis) {
        return op("Concat", parts, Attr.i("axis", axis));
    }

    /**
     * Scatters {@code updates} into {@code data} at flat {@code indices} along axis 0 (all 1-D). With {@code add}
     * duplicates accumulate (opset 16+); without, indices must be unique. ScatterElements arrived at opset 11;
     * before, the same op was called Scatter.
     */
    public String scatter1d(String data, String indices, String updates, boolean add) {
        if (add) {
            return op("ScatterElements", List.of(data, indices, updates), Attr.i("axis", 0),
                    Attr.s("reduction", "add"));
        }
        return op(opset >= 11 ? "ScatterElements" : "Scatter", List.of(data, indices, updates), Attr.i("axis", 0));
    }

    /** True if ScatterElements can accumulate duplicates (reduction=add, opset 16). */
    public boolean canScatterAdd() {
        return opset >= 16;
    }

    /** {@code elemType} if it is a floating type, else float32: the type gradients are emitted in. */
    static int floatType(int elemType) {
        return ElementType.isFloating(elemType) ? elemType : ElementType.FLOAT;
    }
}
