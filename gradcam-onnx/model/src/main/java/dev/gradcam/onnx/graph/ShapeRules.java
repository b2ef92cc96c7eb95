package dev.gradcam.onnx.graph;

import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Per-operator output type rules for {@link ShapeInference}; -1 marks sizes it cannot know. The public helpers
 * resolve operator arguments that moved between attributes and inputs across opsets, for backward rules to share.
 */
public final class ShapeRules {

    private static final Set<String> SAME_SHAPE = Set.of("Relu", "LeakyRelu", "Elu", "Selu", "Celu", "Sigmoid",
            "Tanh", "HardSigmoid", "HardSwish", "Softplus", "Softsign", "Softmax", "LogSoftmax", "Hardmax", "Erf",
            "Sqrt", "Exp", "Log", "Neg", "Abs", "Identity", "Reciprocal", "Floor", "Ceil", "Round", "Sign", "Sin",
            "Cos", "Tan", "Atan", "Asin", "Acos", "Sinh", "Cosh", "Not", "Mish", "Gelu", "ThresholdedRelu", "LRN",
            "Clip", "InstanceNormalization", "LpNormalization", "Shrink", "CumSum", "Trilu", "MeanVarianceNormalization",
            "BatchNormalization", "GroupNormalization", "ScatterElements", "ScatterND", "Scatter", "Swish",
            "RMSNormalization");
    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum",
            "Mean", "Mod", "PRelu", "BitShift", "And", "Or", "Xor", "Equal", "Greater", "Less", "GreaterOrEqual",
            "LessOrEqual", "Where", "BitwiseAnd", "BitwiseOr", "BitwiseXor");
    private static final Set<String> BOOLEAN = Set.of("And", "Or", "Xor", "Equal", "Greater", "Less", "GreaterOrEqual",
            "LessOrEqual", "Not", "IsNaN", "IsInf");

    private ShapeRules() {
    }

    /** The output types of {@code n}; an empty list if the op is unknown. Entries may be null (unknown). */
    static List<ValueType> infer(Node n, Shapes s) {
        String op = n.opType();
        ValueType x = n.hasInput(0) ? s.type(n.input(0)) : null;
        if (SAME_SHAPE.contains(op)) {
            return sameShape(n, x);
        }
        if (BROADCAST.contains(op)) {
            return one(broadcastAll(n, s, op));
        }
        return switch (op) {
            case "Dropout" -> Arrays.asList(x, x == null ? null : retype(x, ElementType.BOOL));
            case "IsNaN", "IsInf" -> one(retype(x, ElementType.BOOL));
            case "LayerNormalization" -> layerNorm(n, x);
            case "Attention" -> attention(n, s, x);
            case "Cast" -> one(retype(x, (int) n.attrInt("to", ElementType.FLOAT)));
            case "CastLike" -> one(retype(x, s.type(n.input(1)).elemType()));
            case "Conv" -> one(conv(n, s, x));
            case "ConvTranspose" -> one(convTranspose(n, s, x));
            case "MaxPool", "AveragePool", "LpPool" -> pool(n, x);
            case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool" -> one(globalPool(x));
            case "Gemm" -> one(gemm(n, s, x));
            case "MatMul" -> one(matMul(x, s.type(n.input(1))));
            case "Flatten" -> one(flatten(n, x));
            case "Reshape" -> one(reshape(n, s, x));
            case "Transpose" -> one(transpose(n, x));
            case "Squeeze" -> one(squeeze(n, s, x));
            case "Unsqueeze" -> one(unsqueeze(n, s, x));
            case "Concat" -> one(concat(n, s));
            case "Split" -> split(n, s, x);
            case "Slice" -> one(slice(n, s, x));
            case "Gather" -> one(gather(n, s, x));
            case "GatherElements" -> one(retype(s.type(n.input(1)), x.elemType()));
            case "GatherND" -> one(gatherNd(n, s, x));
            case "Expand" -> one(expand(n, s, x));
            case "Tile" -> one(tile(n, s, x));
            case "Pad" -> one(pad(n, s, x));
            case "Resize", "Upsample" -> one(resize(n, s, x));
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceL1", "ReduceL2",
                    "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare" -> one(reduce(n, s, x));
            case "ArgMax", "ArgMin" -> one(argReduce(n, x));
            case "Shape" -> one(ValueType.of(ElementType.INT64, x.hasRank() ? shapeLength(n, x.rank()) : -1));
            case "Size" -> one(ValueType.of(ElementType.INT64));
            case "ConstantOfShape" -> one(constantOfShape(n, s));
            case "Constant" -> one(constantType(n));
            case "TopK" -> topK(n, s, x);
            case "DepthToSpace", "SpaceToDepth" -> one(depthSpace(n, x));
            case "Range" -> one(ValueType.of(s.type(n.input(0)).elemType(), -1));
            case "NonZero" -> one(ValueType.of(ElementType.INT64, x.rank(), -1));
            case "RoiAlign" -> one(roiAlign(n, s, x));
            case "If" -> ifOutputs(n);
            case "Einsum" -> one(einsum(n, s));
            case "OneHot" -> one(ValueType.unknownShape(s.type(n.input(2)).elemType()));
            default -> List.of();
        };
    }

    private static List<ValueType> one(ValueType t) {
        return java.util.Collections.singletonList(t);
    }

    private static List<ValueType> sameShape(Node n, ValueType x) {
        List<ValueType> out = new ArrayList<>();
        for (int i = 0; i < n.outputs().size(); i++) {
            out.add(i == 0 ? x : null);
        }
        return out;
    }

    static ValueType retype(ValueType t, int elemType) {
        if (t == null) {
            return null;
        }
        return t.hasRank() ? ValueType.of(elemType, t.dims()) : ValueType.unknownShape(elemType);
    }

    /** Numpy-style broadcasting of dims; -1 stays unknown unless the other side fixes it. */
    public static long[] broadcast(long[] a, long[] b) {
        if (a == null || b == null) {
            return null;
        }
        int r = Math.max(a.length, b.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long da = i < r - a.length ? 1 : a[i - (r - a.length)];
            long db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da == 1) {
                out[i] = db;
            } else if (db == 1) {
                out[i] = da;
            } else if (da < 0 || db < 0) {
                out[i] = Math.max(da, db) > 1 ? Math.max(da, db) : -1;
            } else if (da == db) {
                out[i] = da;
            } else {
                throw new IllegalArgumentException("cannot broadcast " + Arrays.toString(a) + " with "
                        + Arrays.toString(b));
            }
        }
        return out;
    }

    private static ValueType broadcastAll(Node n, Shapes s, String op) {
        long[] dims = new long[0];
        int elem = ElementType.UNDEFINED;
        int first = op.equals("Where") ? 0 : -1;
        for (int i = 0; i < n.inputs().size(); i++) {
            if (!n.hasInput(i)) {
                continue;
            }
            ValueType t = s.type(n.input(i));
            if (t == null) {
                return null;
            }
            dims = broadcast(dims, t.dims());
            if (i != first && elem == ElementType.UNDEFINED) {
                elem = t.elemType();
            }
        }
        if (BOOLEAN.contains(op)) {
            elem = ElementType.BOOL;
        }
        return dims == null ? ValueType.unknownShape(elem) : ValueType.of(elem, dims);
    }

    /**
     * Attention (opset 23): Y has Q's shape with V's head size ([B, Hq, Sq, dv], or [B, Sq, Hq * dv] for 3-D
     * inputs); present_key / present_value are the 4-D K / V with the past prepended on the sequence axis;
     * qk_matmul_output is [B, Hq, Sq, past + Skv].
     */
    private static List<ValueType> attention(Node n, Shapes s, ValueType q) {
        ValueType k = s.type(n.input(1));
        ValueType v = s.type(n.input(2));
        if (q == null || k == null || v == null || !q.hasRank() || !k.hasRank() || !v.hasRank()) {
            return List.of();
        }
        long[] qd = q.dims();
        long[] kd = k.dims();
        long[] vd = v.dims();
        boolean flat = qd.length == 3;
        long hq = flat ? n.attrInt("q_num_heads", -1) : qd[1];
        long hkv = flat ? n.attrInt("kv_num_heads", -1) : kd[1];
        long sq = flat ? qd[1] : qd[2];
        long skv = flat ? kd[1] : kd[2];
        long dk = flat ? divide(kd[2], hkv) : kd[3];
        long dv = flat ? divide(vd[2], hkv) : vd[3];
        ValueType past = n.hasInput(4) ? s.type(n.input(4)) : null;
        long total = skv;
        if (past != null) {
            total = past.hasRank() && past.rank() == 4 && past.dim(2) >= 0 && skv >= 0 ? past.dim(2) + skv : -1;
        }
        int t = q.elemType();
        ValueType y = flat ? ValueType.of(t, qd[0], sq, hq < 0 || dv < 0 ? -1 : hq * dv)
                : ValueType.of(t, qd[0], hq, sq, dv);
        return List.of(y, ValueType.of(t, kd[0], hkv, total, dk), ValueType.of(t, vd[0], hkv, total, dv),
                ValueType.of(t, qd[0], hq, sq, total));
    }

    private static long divide(long a, long b) {
        return a < 0 || b <= 0 ? -1 : a / b;
    }

    private static List<ValueType> layerNorm(Node n, ValueType x) {
        if (!x.hasRank()) {
            return List.of(x);
        }
        int axis = (int) n.attrInt("axis", -1);
        long[] d = x.dims();
        int a = axis < 0 ? axis + d.length : axis;
        long[] stat = d.clone();
        for (int i = a; i < stat.length; i++) {
            stat[i] = 1;
        }
        int statType = (int) n.attrInt("stash_type", ElementType.FLOAT);
        return List.of(x, ValueType.of(statType, stat), ValueType.of(statType, stat));
    }

    private static long[] spatial(long[] d) {
        return Arrays.copyOfRange(d, 2, d.length);
    }

    private static boolean known(long[] d) {
        if (d == null) {
            return false;
        }
        for (long v : d) {
            if (v < 0) {
                return false;
            }
        }
        return true;
    }

    private static long[] kernel(Node n, ValueType w) {
        long[] k = n.attrInts("kernel_shape");
        if (k != null) {
            return k;
        }
        return w == null || !w.hasRank() ? null : Arrays.copyOfRange(w.dims(), 2, w.rank());
    }

    private static ValueType conv(Node n, Shapes s, ValueType x) {
        ValueType w = s.type(n.input(1));
        if (!x.hasRank()) {
            return ValueType.unknownShape(x.elemType());
        }
        long[] d = x.dims();
        long[] out = new long[d.length];
        Arrays.fill(out, -1);
        out[0] = d[0];
        out[1] = w != null && w.hasRank() ? w.dim(0) : -1;
        long[] k = kernel(n, w);
        long[] sp = spatial(d);
        if (k != null && known(sp)) {
            WindowGeometry g = WindowGeometry.forward(n, sp, k, false);
            System.arraycopy(g.out(), 0, out, 2, g.out().length);
        }
        return ValueType.of(x.elemType(), out);
    }

    private static ValueType convTranspose(Node n, Shapes s, ValueType x) {
        ValueType w = s.type(n.input(1));
        if (!x.hasRank()) {
            return ValueType.unknownShape(x.elemType());
        }
        long[] d = x.dims();
        long[] out = new long[d.length];
        Arrays.fill(out, -1);
        out[0] = d[0];
        out[1] = w != null && w.hasRank() && w.dim(1) >= 0 ? w.dim(1) * n.attrInt("group", 1) : -1;
        long[] k = kernel(n, w);
        long[] sp = spatial(d);
        if (k != null && known(sp)) {
            WindowGeometry g = WindowGeometry.transposed(n, sp, k);
            System.arraycopy(g.out(), 0, out, 2, g.out().length);
        }
        return ValueType.of(x.elemType(), out);
    }

    private static List<ValueType> pool(Node n, ValueType x) {
        if (!x.hasRank()) {
            return List.of(x, ValueType.unknownShape(ElementType.INT64));
        }
        long[] d = x.dims();
        long[] out = d.clone();
        long[] sp = spatial(d);
        long[] k = n.attrInts("kernel_shape");
        if (known(sp) && k != null) {
            WindowGeometry g = WindowGeometry.forward(n, sp, k, n.attrInt("ceil_mode", 0) != 0);
            System.arraycopy(g.out(), 0, out, 2, g.out().length);
        } else {
            for (int i = 2; i < out.length; i++) {
                out[i] = -1;
            }
        }
        return List.of(ValueType.of(x.elemType(), out), ValueType.of(ElementType.INT64, out));
    }

    private static ValueType globalPool(ValueType x) {
        if (!x.hasRank()) {
            return x;
        }
        long[] d = x.dims();
        for (int i = 2; i < d.length; i++) {
            d[i] = 1;
        }
        return ValueType.of(x.elemType(), d);
    }

    private static ValueType gemm(Node n, Shapes s, ValueType a) {
        ValueType b = s.type(n.input(1));
        long m = n.attrInt("transA", 0) != 0 ? a.dim(1) : a.dim(0);
        long cols = b == null ? -1 : n.attrInt("transB", 0) != 0 ? b.dim(0) : b.dim(1);
        return ValueType.of(a.elemType(), m, cols);
    }

    static ValueType matMul(ValueType a, ValueType b) {
        if (a == null || b == null || !a.hasRank() || !b.hasRank()) {
            return a == null ? null : ValueType.unknownShape(a.elemType());
        }
        long[] da = a.dims();
        long[] db = b.dims();
        long[] pa = da.length == 1 ? new long[] {1, da[0]} : da;
        long[] pb = db.length == 1 ? new long[] {db[0], 1} : db;
        long[] batch = broadcast(Arrays.copyOf(pa, pa.length - 2), Arrays.copyOf(pb, pb.length - 2));
        List<Long> out = new ArrayList<>();
        for (long v : batch) {
            out.add(v);
        }
        if (da.length > 1) {
            out.add(pa[pa.length - 2]);
        }
        if (db.length > 1) {
            out.add(pb[pb.length - 1]);
        }
        return ValueType.of(a.elemType(), out.stream().mapToLong(Long::longValue).toArray());
    }

    private static ValueType flatten(Node n, ValueType x) {
        if (!x.hasRank()) {
            return ValueType.of(x.elemType(), -1, -1);
        }
        long[] d = x.dims();
        int axis = (int) n.attrInt("axis", 1);
        if (axis < 0) {
            axis += d.length;
        }
        return ValueType.of(x.elemType(), product(d, 0, axis), product(d, axis, d.length));
    }

    /** GatherND: indices.shape[:-1] + data.shape[batch_dims + indices.shape[-1]:]. */
    private static ValueType gatherNd(Node n, Shapes s, ValueType x) {
        ValueType i = s.type(n.input(1));
        if (i == null || !i.hasRank() || !x.hasRank() || i.dim(i.rank() - 1) < 0) {
            return ValueType.unknownShape(x.elemType());
        }
        int b = (int) n.attrInt("batch_dims", 0);
        int last = (int) i.dim(i.rank() - 1);
        long[] out = new long[i.rank() - 1 + x.rank() - b - last];
        int k = 0;
        for (int a = 0; a < i.rank() - 1; a++) {
            out[k++] = i.dim(a);
        }
        for (int a = b + last; a < x.rank(); a++) {
            out[k++] = x.dim(a);
        }
        return ValueType.of(x.elemType(), out);
    }

    public static long product(long[] d, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            if (d[i] < 0) {
                return -1;
            }
            p *= d[i];
        }
        return p;
    }

    private static ValueType reshape(Node n, Shapes s, ValueType x) {
        ConstValue shape = s.constant(n.input(1));
        if (shape == null) {
            ValueType st = s.type(n.input(1));
            return st != null && st.isStatic() ? ValueType.of(x.elemType(), filled(st.dim(0)))
                    : ValueType.unknownShape(x.elemType());
        }
        return ValueType.of(x.elemType(), reshapeDims(x.dims(), shape.longs(), n.attrInt("allowzero", 0) != 0));
    }

    /** Resolves a Reshape target with 0 (copy) and -1 (infer) entries; -1 stays where the input is not static. */
    public static long[] reshapeDims(long[] in, long[] target, boolean allowZero) {
        long[] out = target.clone();
        int inferAt = -1;
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0 && !allowZero) {
                out[i] = in != null && i < in.length ? in[i] : -1;
            } else if (out[i] == -1) {
                inferAt = i;
            }
        }
        if (inferAt >= 0) {
            long total = in == null ? -1 : product(in, 0, in.length);
            long rest = 1;
            for (int i = 0; i < out.length; i++) {
                if (i != inferAt) {
                    rest = out[i] < 0 || rest < 0 ? -1 : rest * out[i];
                }
            }
            out[inferAt] = total < 0 || rest <= 0 ? -1 : total / rest;
        }
        return out;
    }

    private static long[] filled(long rank) {
        long[] d = new long[(int) rank];
        Arrays.fill(d, -1);
        return d;
    }

    private static ValueType transpose(Node n, ValueType x) {
        if (!x.hasRank()) {
            return x;
        }
        long[] d = x.dims();
        long[] perm = perm(n, d.length);
        long[] out = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[(int) perm[i]];
        }
        return ValueType.of(x.elemType(), out);
    }

    /** The permutation of a Transpose node (default: reversed axes). */
    public static long[] perm(Node n, int rank) {
        long[] p = n.attrInts("perm");
        if (p != null && p.length == rank) {
            return p;
        }
        long[] rev = new long[rank];
        for (int i = 0; i < rank; i++) {
            rev[i] = rank - 1 - i;
        }
        return rev;
    }

    public static int axis(long a, int rank) {
        int v = (int) (a < 0 ? a + rank : a);
        if (v < 0 || v >= rank) {
            throw new IllegalArgumentException("axis " + a + " out of range for rank " + rank);
        }
        return v;
    }

    private static ValueType squeeze(Node n, Shapes s, ValueType x) {
        long[] axes = s.intsArg(n, "axes", 1);
        if (!x.hasRank() || axes == null) {
            return ValueType.unknownShape(x.elemType());
        }
        long[] d = x.dims();
        boolean[] drop = new boolean[d.length];
        if (axes == Shapes.ABSENT) {
            for (int i = 0; i < d.length; i++) {
                if (d[i] < 0) {
                    return ValueType.unknownShape(x.elemType());
                }
                drop[i] = d[i] == 1;
            }
        } else {
            for (long a : axes) {
                drop[axis(a, d.length)] = true;
            }
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < d.length; i++) {
            if (!drop[i]) {
                out.add(d[i]);
            }
        }
        return ValueType.of(x.elemType(), out.stream().mapToLong(Long::longValue).toArray());
    }

    private static ValueType unsqueeze(Node n, Shapes s, ValueType x) {
        long[] axes = s.intsArg(n, "axes", 1);
        if (!x.hasRank() || axes == null || axes == Shapes.ABSENT) {
            return ValueType.unknownShape(x.elemType());
        }
        return ValueType.of(x.elemType(), unsqueezeDims(x.dims(), axes));
    }

    public static long[] unsqueezeDims(long[] d, long[] axes) {
        int r = d.length + axes.length;
        boolean[] inserted = new boolean[r];
        for (long a : axes) {
            inserted[axis(a, r)] = true;
        }
        long[] out = new long[r];
        int j = 0;
        for (int i = 0; i < r; i++) {
            out[i] = inserted[i] ? 1 : d[j++];
        }
        return out;
    }

    private static ValueType concat(Node n, Shapes s) {
        ValueType first = null;
        long[] out = null;
        int axis = 0;
        for (String in : n.inputs()) {
            ValueType t = s.type(in);
            if (t == null || !t.hasRank()) {
                return first == null ? null : ValueType.unknownShape(first.elemType());
            }
            if (first == null) {
                first = t;
                out = t.dims();
                axis = axis(n.attrInt("axis", 0), out.length);
                continue;
            }
            long a = out[axis];
            long b = t.dim(axis);
            out[axis] = a < 0 || b < 0 ? -1 : a + b;
            for (int i = 0; i < out.length; i++) {
                if (i != axis && out[i] < 0) {
                    out[i] = t.dim(i);
                }
            }
        }
        return ValueType.of(first.elemType(), out);
    }

    /** The split sizes of a Split node along its axis, or null if unknown. */
    public static long[] splitSizes(Node n, Shapes s, long axisSize) {
        long[] sizes = s.intsArg(n, "split", 1);
        if (sizes == null) {
            return null;
        }
        if (sizes != Shapes.ABSENT && sizes.length > 0) {
            return sizes;
        }
        if (axisSize < 0) {
            return null;
        }
        int parts = n.outputs().size();
        long chunk = WindowGeometry.ceilDiv(axisSize, parts);
        long[] out = new long[parts];
        long left = axisSize;
        for (int i = 0; i < parts; i++) {
            out[i] = Math.min(chunk, left);
            left -= out[i];
        }
        return out;
    }

    private static List<ValueType> split(Node n, Shapes s, ValueType x) {
        List<ValueType> out = new ArrayList<>();
        if (!x.hasRank()) {
            n.outputs().forEach(o -> out.add(ValueType.unknownShape(x.elemType())));
            return out;
        }
        long[] d = x.dims();
        int axis = axis(n.attrInt("axis", 0), d.length);
        long[] sizes = splitSizes(n, s, d[axis]);
        for (int i = 0; i < n.outputs().size(); i++) {
            long[] o = d.clone();
            o[axis] = sizes == null ? -1 : sizes[i];
            out.add(ValueType.of(x.elemType(), o));
        }
        return out;
    }

    /**
     * The resolved slice of a Slice node: per axis of the input, start, step and count; null if not constant.
     * Result layout: {@code [starts[], steps[], counts[]]}.
     */
    public static long[][] sliceRanges(Node n, Shapes s, long[] d) {
        long[] starts = s.intsArg(n, "starts", 1);
        long[] ends = s.intsArg(n, "ends", 2);
        long[] axes = s.intsArg(n, "axes", 3);
        long[] steps = n.opType().equals("Slice") && n.attrInts("starts") == null ? s.intsArg(n, "steps", 4)
                : Shapes.ABSENT;
        if (starts == null || ends == null || axes == null || steps == null) {
            return null;
        }
        int r = d.length;
        long[] st = new long[r];
        long[] sp = new long[r];
        long[] cnt = d.clone();
        Arrays.fill(sp, 1);
        for (int i = 0; i < starts.length; i++) {
            int a = axis(axes == Shapes.ABSENT ? i : axes[i], r);
            long step = steps == Shapes.ABSENT || steps.length == 0 ? 1 : steps[i];
            long dim = d[a];
            if (dim < 0) {
                return null;
            }
            long b = starts[i];
            long e = ends[i];
            b = b < 0 ? b + dim : b;
            e = e < 0 ? e + dim : e;
            if (step > 0) {
                b = clamp(b, 0, dim);
                e = clamp(e, 0, dim);
                cnt[a] = Math.max(0, WindowGeometry.ceilDiv(e - b, step));
            } else {
                b = clamp(b, 0, dim - 1);
                e = clamp(e, -1, dim - 1);
                cnt[a] = Math.max(0, WindowGeometry.ceilDiv(b - e, -step));
            }
            st[a] = b;
            sp[a] = step;
        }
        return new long[][] {st, sp, cnt};
    }

    private static long clamp(long v, long lo, long hi) {
        return Math.max(lo, Math.min(hi, v));
    }

    private static ValueType slice(Node n, Shapes s, ValueType x) {
        if (!x.hasRank()) {
            return x;
        }
        long[][] r = sliceRanges(n, s, x.dims());
        return r == null ? ValueType.of(x.elemType(), filled(x.rank())) : ValueType.of(x.elemType(), r[2]);
    }

    private static ValueType gather(Node n, Shapes s, ValueType x) {
        ValueType idx = s.type(n.input(1));
        if (!x.hasRank() || idx == null || !idx.hasRank()) {
            return ValueType.unknownShape(x.elemType());
        }
        long[] d = x.dims();
        int axis = axis(n.attrInt("axis", 0), d.length);
        long[] id = idx.dims();
        long[] out = new long[d.length - 1 + id.length];
        int j = 0;
        for (int i = 0; i < axis; i++) {
            out[j++] = d[i];
        }
        for (long v : id) {
            out[j++] = v;
        }
        for (int i = axis + 1; i < d.length; i++) {
            out[j++] = d[i];
        }
        return ValueType.of(x.elemType(), out);
    }

    /**
     * What both branches of an If declare for each output: the element type, and the dims on which they agree (-1
     * elsewhere). The dims the data decides are learnt by running the model, or the If is inlined once its condition
     * is known.
     */
    private static List<ValueType> ifOutputs(Node n) {
        var thenBranch = n.attribute("then_branch");
        var elseBranch = n.attribute("else_branch");
        List<ValueType> out = new ArrayList<>();
        for (int i = 0; i < n.outputs().size(); i++) {
            if (thenBranch == null || elseBranch == null || i >= thenBranch.getG().getOutputCount()
                    || i >= elseBranch.getG().getOutputCount()) {
                out.add(null);
                continue;
            }
            ValueType a = Graph.typeOf(thenBranch.getG().getOutput(i));
            ValueType b = Graph.typeOf(elseBranch.getG().getOutput(i));
            int type = a.elemType() != 0 ? a.elemType() : b.elemType();
            if (type == 0) {
                out.add(null);
            } else if (!a.hasRank() || !b.hasRank() || a.rank() != b.rank()) {
                out.add(ValueType.unknownShape(type));
            } else {
                long[] d = a.dims();
                for (int k = 0; k < d.length; k++) {
                    d[k] = d[k] == b.dim(k) ? d[k] : -1;
                }
                out.add(ValueType.of(type, d));
            }
        }
        return out;
    }

    /** [boxes, C, output_height, output_width]; the number of boxes is often known only at run time. */
    private static ValueType roiAlign(Node n, Shapes s, ValueType x) {
        ValueType rois = s.type(n.input(1));
        long boxes = rois != null && rois.hasRank() && rois.rank() == 2 ? rois.dim(0) : -1;
        long channels = x.hasRank() && x.rank() == 4 ? x.dim(1) : -1;
        return ValueType.of(x.elemType(), boxes, channels, n.attrInt("output_height", 1), n.attrInt("output_width", 1));
    }

    private static ValueType expand(Node n, Shapes s, ValueType x) {
        ConstValue shape = s.constant(n.input(1));
        if (shape == null || !x.hasRank()) {
            return ValueType.unknownShape(x.elemType());
        }
        return ValueType.of(x.elemType(), broadcast(x.dims(), shape.longs()));
    }

    private static ValueType tile(Node n, Shapes s, ValueType x) {
        ConstValue reps = s.constant(n.input(1));
        if (reps == null || !x.hasRank()) {
            return ValueType.of(x.elemType(), filled(Math.max(0, x.rank())));
        }
        long[] d = x.dims();
        long[] r = reps.longs();
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] < 0 ? -1 : d[i] * r[i];
        }
        return ValueType.of(x.elemType(), d);
    }

    /** The pads of a Pad node per input axis, begins then ends; null if not constant. */
    public static long[] padAmounts(Node n, Shapes s, int rank) {
        long[] pads = s.intsArg(n, "pads", 1);
        if (pads == null || pads == Shapes.ABSENT) {
            return null;
        }
        long[] axes = n.hasInput(3) ? s.intsArg(n, "__none__", 3) : Shapes.ABSENT;
        if (axes == null) {
            return null;
        }
        if (axes == Shapes.ABSENT) {
            return pads;
        }
        long[] full = new long[2 * rank];
        for (int i = 0; i < axes.length; i++) {
            int a = axis(axes[i], rank);
            full[a] = pads[i];
            full[a + rank] = pads[i + axes.length];
        }
        return full;
    }

    private static ValueType pad(Node n, Shapes s, ValueType x) {
        if (!x.hasRank()) {
            return x;
        }
        long[] d = x.dims();
        long[] p = padAmounts(n, s, d.length);
        if (p == null) {
            return ValueType.of(x.elemType(), filled(d.length));
        }
        for (int i = 0; i < d.length; i++) {
            d[i] = d[i] < 0 ? -1 : d[i] + p[i] + p[i + d.length];
        }
        return ValueType.of(x.elemType(), d);
    }

    /** The scales input of a Resize/Upsample node per its opset layout. */
    /**
     * The scales a Resize or Upsample node gives, as its attribute (Upsample-7) or as a constant input; null when it
     * gives none or they are not constant.
     */
    public static float[] resizeScales(Node n, Shapes s) {
        float[] scales = n.attrFloats("scales");
        if (scales != null) {
            return scales;
        }
        ConstValue sc = s.constant(resizeScalesInput(n, s.graph().opset()));
        if (sc == null || sc.size() == 0) {
            return null;
        }
        scales = new float[sc.size()];
        for (int i = 0; i < scales.length; i++) {
            scales[i] = (float) sc.doubleAt(i);
        }
        return scales;
    }

    private static String resizeScalesInput(Node n, int opset) {
        if (n.opType().equals("Upsample") || opset < 11) {
            return n.input(1);
        }
        return n.input(2);
    }

    private static ValueType resize(Node n, Shapes s, ValueType x) {
        if (!x.hasRank()) {
            return x;
        }
        long[] d = x.dims();
        int r = d.length;
        long[] axes = n.attrInts("axes");
        int[] ax = new int[axes == null ? r : axes.length];
        for (int i = 0; i < ax.length; i++) {
            ax[i] = axes == null ? i : axis(axes[i], r);
        }
        boolean upsample = n.opType().equals("Upsample") || s.graph().opset() < 11;
        ConstValue sizes = upsample ? null : s.constant(n.input(3));
        if (sizes != null && sizes.size() > 0) {
            long[] sz = sizes.longs();
            for (int i = 0; i < ax.length; i++) {
                d[ax[i]] = sz[i];
            }
            return ValueType.of(x.elemType(), d);
        }
        float[] scales = resizeScales(n, s);
        if (scales == null) {
            return ValueType.of(x.elemType(), filled(r));
        }
        for (int i = 0; i < ax.length; i++) {
            long in = d[ax[i]];
            d[ax[i]] = in < 0 ? -1 : (long) Math.floor(in * (double) scales[i]);
        }
        return ValueType.of(x.elemType(), d);
    }

    /** The axes a Reduce node reduces (normalised, sorted), or null if unknown; empty means none (noop). */
    public static int[] reduceAxes(Node n, Shapes s, int rank) {
        long[] axes = s.intsArg(n, "axes", 1);
        if (axes == null) {
            return null;
        }
        if (axes == Shapes.ABSENT || axes.length == 0) {
            if (n.attrInt("noop_with_empty_axes", 0) != 0) {
                return new int[0];
            }
            int[] all = new int[rank];
            for (int i = 0; i < rank; i++) {
                all[i] = i;
            }
            return all;
        }
        return Arrays.stream(axes).mapToInt(a -> axis(a, rank)).sorted().distinct().toArray();
    }

    private static ValueType reduce(Node n, Shapes s, ValueType x) {
        if (!x.hasRank()) {
            return x;
        }
        long[] d = x.dims();
        int[] axes = reduceAxes(n, s, d.length);
        boolean keep = n.attrInt("keepdims", 1) != 0;
        if (axes == null) {
            return keep ? ValueType.of(x.elemType(), filled(d.length)) : ValueType.unknownShape(x.elemType());
        }
        return ValueType.of(x.elemType(), reducedDims(d, axes, keep));
    }

    public static long[] reducedDims(long[] d, int[] axes, boolean keep) {
        boolean[] red = new boolean[d.length];
        for (int a : axes) {
            red[a] = true;
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < d.length; i++) {
            if (!red[i]) {
                out.add(d[i]);
            } else if (keep) {
                out.add(1L);
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static ValueType argReduce(Node n, ValueType x) {
        if (!x.hasRank()) {
            return ValueType.unknownShape(ElementType.INT64);
        }
        int a = axis(n.attrInt("axis", 0), x.rank());
        return ValueType.of(ElementType.INT64, reducedDims(x.dims(), new int[] {a}, n.attrInt("keepdims", 1) != 0));
    }

    private static long shapeLength(Node n, int rank) {
        long start = n.attrInt("start", 0);
        long end = n.attrInt("end", rank);
        start = Math.max(0, Math.min(rank, start < 0 ? start + rank : start));
        end = Math.max(0, Math.min(rank, end < 0 ? end + rank : end));
        return Math.max(0, end - start);
    }

    private static ValueType constantOfShape(Node n, Shapes s) {
        TensorProto v = n.attrTensor("value");
        int elem = v == null ? ElementType.FLOAT : v.getDataType();
        ConstValue shape = s.constant(n.input(0));
        if (shape != null) {
            return ValueType.of(elem, shape.longs());
        }
        ValueType st = s.type(n.input(0));
        return st != null && st.isStatic() ? ValueType.of(elem, filled(st.dim(0))) : ValueType.unknownShape(elem);
    }

    static ValueType constantType(Node n) {
        for (AttributeProto a : n.proto().getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return ValueType.of(a.getT().getDataType(), Tensors.dims(a.getT()));
                case "value_float":
                    return ValueType.of(ElementType.FLOAT);
                case "value_int":
                    return ValueType.of(ElementType.INT64);
                case "value_floats":
                    return ValueType.of(ElementType.FLOAT, a.getFloatsCount());
                case "value_ints":
                    return ValueType.of(ElementType.INT64, a.getIntsCount());
                default:
                    break;
            }
        }
        return null;
    }

    private static List<ValueType> topK(Node n, Shapes s, ValueType x) {
        if (!x.hasRank()) {
            return List.of(x, ValueType.unknownShape(ElementType.INT64));
        }
        long[] d = x.dims();
        int a = axis(n.attrInt("axis", -1), d.length);
        long[] k = s.intsArg(n, "k", 1);
        d[a] = k == null || k == Shapes.ABSENT ? -1 : k[0];
        return List.of(ValueType.of(x.elemType(), d), ValueType.of(ElementType.INT64, d));
    }

    private static ValueType einsum(Node n, Shapes s) {
        int[] ranks = new int[n.inputs().size()];
        List<long[]> dims = new ArrayList<>();
        ValueType first = s.type(n.input(0));
        for (int i = 0; i < ranks.length; i++) {
            ValueType t = s.type(n.input(i));
            if (!t.hasRank()) {
                return ValueType.unknownShape(first.elemType());
            }
            ranks[i] = t.rank();
            dims.add(t.dims());
        }
        EinsumEquation eq = EinsumEquation.parse(n.attrString("equation", ""), ranks);
        java.util.Map<Character, Long> size = eq.sizes(dims);
        long[] out = new long[eq.output().length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = size.getOrDefault(eq.output().charAt(i), -1L);
        }
        return ValueType.of(first.elemType(), out);
    }

    private static ValueType depthSpace(Node n, ValueType x) {
        if (!x.hasRank()) {
            return x;
        }
        long b = n.attrInt("blocksize", 1);
        long[] d = x.dims();
        boolean toSpace = n.opType().equals("DepthToSpace");
        d[1] = d[1] < 0 ? -1 : toSpace ? d[1] / (b * b) : d[1] * b * b;
        for (int i = 2; i < d.length; i++) {
            d[i] = d[i] < 0 ? -1 : toSpace ? d[i] * b : d[i] / b;
        }
        return ValueType.of(x.elemType(), d);
    }
}
