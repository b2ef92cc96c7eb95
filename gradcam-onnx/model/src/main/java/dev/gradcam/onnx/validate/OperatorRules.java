package dev.gradcam.onnx.validate;

import dev.gradcam.api.InvalidModelException;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Attribute ranges and input ranks of the operators in gradcam's shape-inference and backward-rule tables. Two
 * stages: {@link #checkStatic} needs no shapes (runs in {@link ModelValidator}); {@link #check} runs on inferred
 * shapes, once with the declared input dims and again for each concrete input shape, and checks what depends on
 * ranks and sizes (group vs channels, kernels that fit the padded input, axes in range). Unknown ranks and sizes are
 * skipped, never guessed. Messages name the node, the attribute, the value and the valid range.
 */
public final class OperatorRules {

    /** Above this, a kernel, stride or dilation is no image axis but an overflow waiting to happen. */
    private static final long MAX_WINDOW = 1 << 24;
    private static final Set<String> WINDOWED = Set.of("Conv", "ConvTranspose", "MaxPool", "AveragePool", "LpPool");
    private static final Set<String> POOLS = Set.of("MaxPool", "AveragePool", "LpPool");
    private static final Set<String> AXIS_IN_RANK = Set.of("Softmax", "LogSoftmax", "Hardmax", "Gather",
            "GatherElements", "Split", "ArgMax", "ArgMin");
    private static final Set<String> REDUCTIONS = Set.of("ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin",
            "ReduceProd", "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceSumSquare");
    private static final Set<String> BROADCAST = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Sum",
            "Mean", "PRelu", "Where", "Equal", "Greater", "Less");
    private static final List<String> CONSTANT_VALUES = List.of("value", "value_float", "value_floats", "value_int",
            "value_ints", "value_string", "value_strings", "sparse_value");

    private OperatorRules() {
    }

    /** The checks that need no shapes. */
    static void checkStatic(NodeProto p, String node) {
        Node n = Node.view(p);
        String op = p.getOpType();
        if (WINDOWED.contains(op)) {
            long[] k = n.attrInts("kernel_shape");
            if (k == null && POOLS.contains(op)) {
                throw bad(node, "kernel_shape", "is missing", op + " requires it");
            }
            atLeast(node, "kernel_shape", k, 1, MAX_WINDOW);
            atLeast(node, "strides", n.attrInts("strides"), 1, MAX_WINDOW);
            atLeast(node, "dilations", n.attrInts("dilations"), 1, MAX_WINDOW);
            atLeast(node, "pads", n.attrInts("pads"), 0, MAX_WINDOW);
            atLeast(node, "output_padding", n.attrInts("output_padding"), 0, MAX_WINDOW);
            long[] pads = n.attrInts("pads");
            if (pads != null && pads.length % 2 != 0) {
                throw bad(node, "pads", Arrays.toString(pads), "needs a begin and an end per spatial axis (even length)");
            }
            if (k != null) {
                sameLength(node, "strides", n.attrInts("strides"), k.length);
                sameLength(node, "dilations", n.attrInts("dilations"), k.length);
                if (pads != null && pads.length != 2 * k.length) {
                    throw bad(node, "pads", Arrays.toString(pads), "needs " + 2 * k.length
                            + " values for a kernel of rank " + k.length);
                }
            }
            oneOf(node, n, "auto_pad", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID");
            flag(node, n, "ceil_mode");
            flag(node, n, "count_include_pad");
            flag(node, n, "storage_order");
            if (n.hasAttribute("group") && (n.attrInt("group", 1) < 1 || n.attrInt("group", 1) > MAX_WINDOW)) {
                throw bad(node, "group", Long.toString(n.attrInt("group", 1)), "must be >= 1");
            }
            if (op.equals("LpPool") && n.hasAttribute("p") && n.attrInt("p", 2) < 1) {
                throw bad(node, "p", Long.toString(n.attrInt("p", 2)), "must be >= 1");
            }
        }
        switch (op) {
            case "Gemm" -> {
                flag(node, n, "transA");
                flag(node, n, "transB");
            }
            case "Constant" -> {
                long values = p.getAttributeList().stream().filter(a -> CONSTANT_VALUES.contains(a.getName())).count();
                if (values != 1) {
                    throw new InvalidModelException(node + ": a Constant needs exactly one of the attributes "
                            + CONSTANT_VALUES + ", it has " + values);
                }
            }
            case "Transpose" -> {
                long[] perm = n.attrInts("perm");
                if (perm != null) {
                    long[] sorted = perm.clone();
                    Arrays.sort(sorted);
                    for (int i = 0; i < sorted.length; i++) {
                        if (sorted[i] != i) {
                            throw bad(node, "perm", Arrays.toString(perm), "must be a permutation of 0.."
                                    + (perm.length - 1));
                        }
                    }
                }
            }
            case "Cast" -> {
                long to = n.attrInt("to", 1);
                if (to < 1 || to > 23) {
                    throw bad(node, "to", Long.toString(to), "must be an ONNX element type, 1 to 23");
                }
            }
            case "LRN" -> atLeast(node, "size", n.hasAttribute("size") ? new long[] {n.attrInt("size", 1)} : null,
                    1, MAX_WINDOW);
            case "DepthToSpace", "SpaceToDepth" -> {
                long bs = n.attrInt("blocksize", 0);
                if (bs < 1 || bs > MAX_WINDOW) {
                    throw bad(node, "blocksize", Long.toString(bs), "must be >= 1");
                }
                if (op.equals("DepthToSpace")) {
                    oneOf(node, n, "mode", "DCR", "CRD");
                }
            }
            case "Dropout" -> {
                float r = n.attrFloat("ratio", 0.5f);
                if (!(r >= 0 && r < 1)) {
                    throw bad(node, "ratio", Float.toString(r), "must be in [0, 1)");
                }
            }
            case "BatchNormalization", "InstanceNormalization", "LayerNormalization", "GroupNormalization",
                 "RMSNormalization" -> {
                float eps = n.attrFloat("epsilon", 1e-5f);
                if (!(eps >= 0) || Float.isInfinite(eps)) {
                    throw bad(node, "epsilon", Float.toString(eps), "must be a finite number >= 0");
                }
            }
            case "Pad" -> oneOf(node, n, "mode", "constant", "reflect", "edge", "wrap");
            case "Resize" -> oneOf(node, n, "mode", "nearest", "linear", "cubic");
            case "Upsample" -> oneOf(node, n, "mode", "nearest", "linear", "bilinear");
            case "Squeeze", "Unsqueeze" -> unique(node, n, "axes");
            default -> {
                if (REDUCTIONS.contains(op)) {
                    unique(node, n, "axes");
                }
            }
        }
    }

    /**
     * The checks that need shapes: ranks, sizes, axes. Skips what the shapes leave unknown.
     *
     * @throws InvalidModelException naming the node, attribute or input and the valid range
     */
    public static void check(Graph g, Shapes s, String source) {
        for (Node n : g.nodes()) {
            if (OnnxFormat.isDefaultDomain(n.domain())) {
                check(n, s, n + " in " + source);
            }
        }
    }

    private static void check(Node n, Shapes s, String node) {
        String op = n.opType();
        int r = s.rank(n.input(0));
        if (WINDOWED.contains(op)) {
            window(n, s, node, r);
        }
        switch (op) {
            case "GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool", "InstanceNormalization", "LRN" ->
                    minRank(node, n.input(0), r, 3);
            case "BatchNormalization" -> batchNorm(n, s, node, r);
            case "Gemm" -> {
                minRank(node, n.input(0), r, 2);
                maxRank(node, n.input(0), r, 2);
                int rb = s.rank(n.input(1));
                minRank(node, n.input(1), rb, 2);
                maxRank(node, n.input(1), rb, 2);
                long inner = dim(s, n.input(0), n.attrInt("transA", 0) == 0 ? 1 : 0);
                long innerB = dim(s, n.input(1), n.attrInt("transB", 0) == 0 ? 0 : 1);
                if (inner > 0 && innerB > 0 && inner != innerB) {
                    throw new InvalidModelException(node + ": A has " + inner + " columns (after transA) but B has "
                            + innerB + " rows (after transB); they must agree");
                }
            }
            case "Flatten" -> axis(node, n, r, n.attrInt("axis", 1), -r, r);
            case "Concat" -> concat(n, s, node, r);
            case "Transpose" -> {
                long[] perm = n.attrInts("perm");
                if (perm != null && r >= 0 && perm.length != r) {
                    throw bad(node, "perm", Arrays.toString(perm), "must have one entry per axis of the rank-" + r
                            + " input");
                }
            }
            case "Squeeze" -> axes(node, n, "axes", r, r);
            case "Unsqueeze" -> {
                long[] axes = n.attrInts("axes");
                axes(node, n, "axes", r, r < 0 || axes == null ? -1 : r + axes.length);
            }
            case "DepthToSpace" -> {
                long c = dim(s, n.input(0), 1);
                long bs = n.attrInt("blocksize", 1);
                if (c > 0 && c % (bs * bs) != 0) {
                    throw bad(node, "blocksize", Long.toString(bs), "its square must divide the " + c
                            + " input channels");
                }
            }
            default -> {
                if (BROADCAST.contains(op)) {
                    broadcast(n, s, node);
                }
                if (AXIS_IN_RANK.contains(op) && n.hasAttribute("axis")) {
                    axis(node, n, r, n.attrInt("axis", 0), -r, r - 1);
                } else if (REDUCTIONS.contains(op)) {
                    axes(node, n, "axes", r, r);
                }
            }
        }
    }

    private static void window(Node n, Shapes s, String node, int r) {
        String op = n.opType();
        minRank(node, n.input(0), r, 3);
        long[] k = n.attrInts("kernel_shape");
        long[] w = null;
        if (op.startsWith("Conv")) {
            ValueType wt = s.type(n.input(1));
            int rw = wt == null ? -1 : wt.rank();
            if (r >= 0 && rw >= 0 && rw != r) {
                throw new InvalidModelException(node + ": weight '" + n.input(1) + "' has rank " + rw + "; a " + op
                        + " on a rank-" + r + " input needs a rank-" + r + " weight");
            }
            minRank(node, n.input(1), rw, 3);
            w = wt == null || !wt.hasRank() ? null : wt.dims();
            long group = n.attrInt("group", 1);
            long c = dim(s, n.input(0), 1);
            if (w != null && w[0] > 0 && w[0] % (op.equals("Conv") ? group : 1) != 0) {
                throw bad(node, "group", Long.toString(group), "must divide the " + w[0] + " output channels");
            }
            long perGroup = op.equals("Conv") ? (w == null ? -1 : w[1]) : -1;
            if (c > 0 && perGroup > 0 && c != perGroup * group) {
                throw bad(node, "group", Long.toString(group), "the input has " + c + " channels, but the weight takes "
                        + perGroup + " per group: channels must equal group x " + perGroup);
            }
            if (op.equals("ConvTranspose") && w != null && c > 0 && w[0] > 0 && c != w[0]) {
                throw new InvalidModelException(node + ": the input has " + c + " channels but weight '" + n.input(1)
                        + "' takes " + w[0]);
            }
            if (op.equals("ConvTranspose") && w != null && w[0] > 0 && w[0] % group != 0) {
                throw bad(node, "group", Long.toString(group), "must divide the " + w[0] + " input channels");
            }
            if (k != null && w != null) {
                for (int i = 0; i < k.length && i + 2 < w.length; i++) {
                    if (w[i + 2] > 0 && w[i + 2] != k[i]) {
                        throw bad(node, "kernel_shape", Arrays.toString(k), "must match the weight's spatial dims "
                                + Arrays.toString(Arrays.copyOfRange(w, 2, w.length)));
                    }
                }
            }
            if (k == null && w != null && w.length > 2) {
                k = Arrays.copyOfRange(w, 2, w.length);
            }
        }
        if (r < 0 || k == null) {
            return;
        }
        if (k.length != r - 2) {
            throw bad(node, "kernel_shape", Arrays.toString(k), "needs " + (r - 2) + " entries for a rank-" + r
                    + " input");
        }
        sameLength(node, "strides", n.attrInts("strides"), r - 2);
        sameLength(node, "dilations", n.attrInts("dilations"), r - 2);
        long[] pads = n.attrInts("pads");
        if (pads != null && pads.length != 2 * (r - 2)) {
            throw bad(node, "pads", Arrays.toString(pads), "needs " + 2 * (r - 2) + " entries for a rank-" + r
                    + " input");
        }
        if (POOLS.contains(op) && pads != null) {
            for (int i = 0; i < pads.length; i++) {
                if (pads[i] >= k[i % k.length]) {
                    throw bad(node, "pads", Arrays.toString(pads), "each pad must be smaller than the kernel "
                            + Arrays.toString(k));
                }
            }
        }
        String autoPad = n.attrString("auto_pad", "NOTSET");
        if (op.equals("ConvTranspose") || !(autoPad.equals("NOTSET") || autoPad.equals("VALID"))) {
            return;
        }
        long[] dil = n.attrInts("dilations");
        for (int i = 0; i < k.length; i++) {
            long in = dim(s, n.input(0), i + 2);
            if (in < 0) {
                continue;
            }
            long padded = in + (pads == null || autoPad.equals("VALID") ? 0 : pads[i] + pads[i + k.length]);
            long extent = (dil == null ? 1 : dil[i]) * (k[i] - 1) + 1;
            if (extent > padded) {
                throw new InvalidModelException(node + ": the (dilated) kernel spans " + extent + " along spatial "
                        + "axis " + i + " but the padded input has only " + padded + "; kernel_shape "
                        + Arrays.toString(k) + " must fit the input");
            }
        }
    }

    private static void concat(Node n, Shapes s, String node, int r) {
        long axis = n.attrInt("axis", 0);
        axis(node, n, r, axis, -r, r - 1);
        if (r < 0) {
            return;
        }
        int a = (int) (axis < 0 ? axis + r : axis);
        for (String in : n.inputs()) {
            ValueType t = in.isEmpty() ? null : s.type(in);
            if (t == null || !t.hasRank()) {
                continue;
            }
            if (t.rank() != r) {
                throw new InvalidModelException(node + ": input '" + in + "' has rank " + t.rank() + " but '"
                        + n.input(0) + "' has rank " + r + "; Concat needs inputs of one rank");
            }
            for (int d = 0; d < r; d++) {
                long x = dim(s, n.input(0), d);
                if (d != a && x > 0 && t.dim(d) > 0 && t.dim(d) != x) {
                    throw new InvalidModelException(node + ": inputs '" + n.input(0) + "' " + Arrays.toString(
                            s.type(n.input(0)).dims()) + " and '" + in + "' " + Arrays.toString(t.dims())
                            + " differ on axis " + d + "; Concat along axis " + a + " needs every other axis equal");
                }
            }
        }
    }

    /** Multidirectional (NumPy) broadcasting: aligned from the right, each pair of known sizes equal or one is 1. */
    private static void broadcast(Node n, Shapes s, String node) {
        long[] out = null;
        String first = null;
        for (String in : n.inputs()) {
            ValueType t = in.isEmpty() ? null : s.type(in);
            if (t == null || !t.hasRank()) {
                continue;
            }
            long[] d = t.dims();
            if (out == null) {
                out = d;
                first = in;
                continue;
            }
            for (int i = 1; i <= Math.min(out.length, d.length); i++) {
                long x = out[out.length - i];
                long y = d[d.length - i];
                if (x > 1 && y > 1 && x != y) {
                    throw new InvalidModelException(node + ": inputs '" + first + "' " + Arrays.toString(out)
                            + " and '" + in + "' " + Arrays.toString(d) + " do not broadcast (sizes " + x + " and "
                            + y + "); each pair of sizes must be equal or 1");
                }
            }
        }
    }

    private static void batchNorm(Node n, Shapes s, String node, int r) {
        minRank(node, n.input(0), r, 2);
        long c = dim(s, n.input(0), 1);
        String[] names = {"scale", "B", "input_mean", "input_var"};
        for (int i = 1; i <= 4; i++) {
            if (!n.hasInput(i)) {
                continue;
            }
            ValueType t = s.type(n.input(i));
            if (t == null || !t.hasRank()) {
                continue;
            }
            if (t.rank() != 1 || (c > 0 && t.dim(0) > 0 && t.dim(0) != c)) {
                throw new InvalidModelException(node + ": input " + names[i - 1] + " ('" + n.input(i) + "') has shape "
                        + Arrays.toString(t.dims()) + "; it must be 1-D with one entry per channel"
                        + (c > 0 ? " (" + c + ")" : ""));
            }
        }
    }

    private static long dim(Shapes s, String value, int axis) {
        ValueType t = s.type(value);
        return t == null || !t.hasRank() || axis >= t.rank() ? -1 : t.dim(axis);
    }

    private static void minRank(String node, String value, int rank, int min) {
        if (rank >= 0 && rank < min) {
            throw new InvalidModelException(node + ": input '" + value + "' has rank " + rank + "; it needs rank >= "
                    + min);
        }
    }

    private static void maxRank(String node, String value, int rank, int max) {
        if (rank > max) {
            throw new InvalidModelException(node + ": input '" + value + "' has rank " + rank + "; it needs rank <= "
                    + max);
        }
    }

    private static void axis(String node, Node n, int rank, long axis, long min, long max) {
        if (rank >= 0 && (axis < min || axis > max)) {
            throw bad(node, "axis", Long.toString(axis), "must be in [" + min + ", " + max + "] for a rank-" + rank
                    + " input");
        }
    }

    private static void axes(String node, Node n, String attr, int rank, int outRank) {
        long[] axes = n.attrInts(attr);
        int r = Math.max(rank, outRank);
        if (axes == null || rank < 0 || r < 0) {
            return;
        }
        for (long a : axes) {
            if (a < -r || a >= Math.max(r, 1)) {
                throw bad(node, attr, Arrays.toString(axes), "each must be in [" + -r + ", " + (r - 1) + "] for a "
                        + "rank-" + rank + " input");
            }
        }
    }

    private static void atLeast(String node, String attr, long[] v, long min, long max) {
        if (v == null) {
            return;
        }
        for (long x : v) {
            if (x < min || x > max) {
                throw bad(node, attr, Arrays.toString(v), "each must be in [" + min + ", " + max + "]");
            }
        }
    }

    private static void sameLength(String node, String attr, long[] v, int length) {
        if (v != null && v.length != length) {
            throw bad(node, attr, Arrays.toString(v), "needs " + length + " entries, one per spatial axis");
        }
    }

    private static void flag(String node, Node n, String attr) {
        long v = n.attrInt(attr, 0);
        if (v != 0 && v != 1) {
            throw bad(node, attr, Long.toString(v), "must be 0 or 1");
        }
    }

    private static void unique(String node, Node n, String attr) {
        long[] v = n.attrInts(attr);
        if (v != null && Arrays.stream(v).distinct().count() != v.length) {
            throw bad(node, attr, Arrays.toString(v), "must not repeat an axis");
        }
    }

    private static void oneOf(String node, Node n, String attr, String... valid) {
        AttributeProto a = n.attribute(attr);
        if (a != null && !Arrays.asList(valid).contains(a.getS().toStringUtf8())) {
            throw bad(node, attr, "'" + a.getS().toStringUtf8() + "'", "must be one of " + Arrays.toString(valid));
        }
    }

    private static InvalidModelException bad(String node, String attr, String value, String valid) {
        return new InvalidModelException(node + ": attribute '" + attr + "' = " + value + "; " + valid);
    }
}
