package dev.gradcam.onnx.graph;

import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import java.util.Arrays;
import java.util.Set;

/**
 * Evaluates small computations whose inputs are all known before the model runs: the integer shape arithmetic of
 * exported models ({@code Shape}, {@code Gather}, {@code Unsqueeze}, {@code Concat}, arithmetic, ...), so that
 * {@code Reshape} and {@code Expand} targets become constants.
 */
final class ConstantFolder {

    /** Folding stops at this many elements: it is for shapes and scalars, not for weights. */
    private static final int MAX_ELEMENTS = 1 << 16;

    private static final Set<String> FOLDABLE = Set.of("Constant", "Shape", "Size", "Identity", "Cast", "Gather",
            "Unsqueeze", "Squeeze", "Reshape", "Flatten", "Concat", "Slice", "Add", "Sub", "Mul", "Div", "Mod", "Equal",
            "Less", "Greater", "Max", "Min", "Where", "Neg", "Abs", "ConstantOfShape", "Range", "ReduceProd",
            "ReduceSum", "ReduceMax", "ReduceMin", "Reciprocal", "Floor", "Ceil", "Sqrt", "Not", "Expand", "Transpose",
            "Tile", "LessOrEqual", "GreaterOrEqual", "And", "Or");

    private static final Set<String> BOOLEAN_RESULT = Set.of("Equal", "Less", "Greater", "LessOrEqual",
            "GreaterOrEqual", "And", "Or");

    private ConstantFolder() {
    }

    /**
     * The folded values of a Split node's outputs, or null: tf2onnx writes Pad's {@code pads} as a Concat of the
     * parts of a split constant, so without this every shape after such a Pad is unknown.
     */
    static ConstValue[] split(Node n, Shapes s) {
        if (!n.opType().equals("Split")) {
            return null;
        }
        ConstValue x = s.constant(n.input(0));
        if (x == null || x.size() > MAX_ELEMENTS || x.rank() == 0) {
            return null;
        }
        long[] d = x.dims();
        int axis = (int) n.attrInt("axis", 0);
        axis = axis < 0 ? axis + d.length : axis;
        long[] sizes = ShapeRules.splitSizes(n, s, d[axis]);
        if (sizes == null || sizes.length != n.outputs().size()) {
            return null;
        }
        long[] st = strides(d);
        ConstValue[] out = new ConstValue[sizes.length];
        long start = 0;
        for (int i = 0; i < sizes.length; i++) {
            long[] od = d.clone();
            od[axis] = sizes[i];
            out[i] = strided(x, od, start * st[axis], st);
            start += sizes[i];
        }
        return start == d[axis] ? out : null;
    }

    /** The folded value of {@code n}'s first output, or null. */
    static ConstValue fold(Node n, Shapes s) {
        String op = n.opType();
        if (!FOLDABLE.contains(op) || n.outputs().size() != 1 && !op.equals("Constant")) {
            return null;
        }
        if (op.equals("Constant")) {
            return constant(n);
        }
        if (op.equals("Shape")) {
            return shape(n, s);
        }
        if (op.equals("Size")) {
            ValueType t = s.type(n.input(0));
            return t != null && t.isStatic()
                    ? ConstValue.ofLongs(ElementType.INT64, new long[0], new long[] {ShapeRules.product(t.dims(), 0,
                    t.rank())}) : null;
        }
        ConstValue[] in = new ConstValue[n.inputs().size()];
        for (int i = 0; i < in.length; i++) {
            if (!n.hasInput(i)) {
                continue;
            }
            in[i] = s.constant(n.input(i));
            if (in[i] == null || in[i].size() > MAX_ELEMENTS) {
                return null;
            }
        }
        if (in.length == 0 || in[0] == null) {
            return null;
        }
        ConstValue x = in[0];
        return switch (op) {
            case "Identity" -> x;
            case "Cast" -> cast(x, (int) n.attrInt("to", ElementType.FLOAT));
            case "Gather" -> gather(n, x, in[1]);
            case "Unsqueeze", "Squeeze", "Reshape", "Flatten" -> relabel(n, s, x);
            case "Concat" -> concat(n, in);
            case "Slice" -> slice(n, s, x);
            case "Transpose" -> transpose(n, x);
            case "Tile" -> tile(x, in[1]);
            case "Add", "Sub", "Mul", "Div", "Mod", "Equal", "Less", "Greater", "Max", "Min", "LessOrEqual",
                    "GreaterOrEqual", "And", "Or" ->
                    binary(op, x, in[1]);
            case "Where" -> where(x, in[1], in[2]);
            case "Neg", "Abs", "Floor", "Ceil", "Sqrt", "Not", "Reciprocal" -> unary(op, x);
            case "ConstantOfShape" -> constantOfShape(n, x);
            case "Range" -> range(x, in[1], in[2]);
            case "ReduceProd", "ReduceSum", "ReduceMax", "ReduceMin" -> reduceAll(n, s, op, x);
            case "Expand" -> expand(x, in[1]);
            default -> null;
        };
    }

    private static ConstValue constant(Node n) {
        for (AttributeProto a : n.proto().getAttributeList()) {
            switch (a.getName()) {
                case "value_float":
                    return ConstValue.ofReals(ElementType.FLOAT, new long[0], new double[] {a.getF()});
                case "value_int":
                    return ConstValue.ofLongs(ElementType.INT64, new long[0], new long[] {a.getI()});
                case "value_floats": {
                    double[] v = new double[a.getFloatsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getFloats(i);
                    }
                    return ConstValue.ofReals(ElementType.FLOAT, new long[] {v.length}, v);
                }
                case "value_ints": {
                    long[] v = new long[a.getIntsCount()];
                    for (int i = 0; i < v.length; i++) {
                        v[i] = a.getInts(i);
                    }
                    return ConstValue.ofLongs(ElementType.INT64, new long[] {v.length}, v);
                }
                default:
                    break;
            }
        }
        return null;
    }

    private static ConstValue shape(Node n, Shapes s) {
        ValueType t = s.type(n.input(0));
        if (t == null || !t.hasRank()) {
            return null;
        }
        long[] d = t.dims();
        int r = d.length;
        long start = n.attrInt("start", 0);
        long end = n.attrInt("end", r);
        int b = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
        int e = (int) Math.max(0, Math.min(r, end < 0 ? end + r : end));
        long[] part = Arrays.copyOfRange(d, b, Math.max(b, e));
        for (long v : part) {
            if (v < 0) {
                return null;
            }
        }
        return ConstValue.ofLongs(part);
    }

    private static ConstValue cast(ConstValue x, int to) {
        if (ElementType.isInteger(to)) {
            long[] v = x.longs();
            if (to == ElementType.BOOL) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = x.doubleAt(i) != 0 ? 1 : 0;
                }
            }
            return ConstValue.ofLongs(to, x.dims(), v);
        }
        return ConstValue.ofReals(to, x.dims(), x.doubles());
    }

    private static ConstValue gather(Node n, ConstValue x, ConstValue idx) {
        long[] d = x.dims();
        int axis = ShapeRules.axis(n.attrInt("axis", 0), d.length);
        long[] id = idx.longs();
        long outer = ShapeRules.product(d, 0, axis);
        long inner = ShapeRules.product(d, axis + 1, d.length);
        long[] outDims = new long[d.length - 1 + idx.rank()];
        int j = 0;
        for (int i = 0; i < axis; i++) {
            outDims[j++] = d[i];
        }
        for (long v : idx.dims()) {
            outDims[j++] = v;
        }
        for (int i = axis + 1; i < d.length; i++) {
            outDims[j++] = d[i];
        }
        int total = (int) (outer * id.length * inner);
        long[] li = x.isInteger() ? x.longs() : null;
        double[] dv = x.isInteger() ? null : x.doubles();
        long[] lo = new long[total];
        double[] dout = new double[total];
        int p = 0;
        for (long o = 0; o < outer; o++) {
            for (long k : id) {
                long kk = k < 0 ? k + d[axis] : k;
                for (long q = 0; q < inner; q++) {
                    int src = (int) ((o * d[axis] + kk) * inner + q);
                    if (li != null) {
                        lo[p++] = li[src];
                    } else {
                        dout[p++] = dv[src];
                    }
                }
            }
        }
        return x.isInteger() ? ConstValue.ofLongs(x.elemType(), outDims, lo)
                : ConstValue.ofReals(x.elemType(), outDims, dout);
    }

    private static ConstValue relabel(Node n, Shapes s, ConstValue x) {
        ValueType t = ShapeRules.infer(n, s).get(0);
        if (t == null || !t.isStatic()) {
            return null;
        }
        return x.isInteger() ? ConstValue.ofLongs(x.elemType(), t.dims(), x.longs())
                : ConstValue.ofReals(x.elemType(), t.dims(), x.doubles());
    }

    private static ConstValue concat(Node n, ConstValue[] in) {
        int r = in[0].rank();
        if (r == 0) {
            return null;
        }
        int axis = ShapeRules.axis(n.attrInt("axis", 0), r);
        for (ConstValue c : in) {
            if (c == null || c.rank() != r || c.isInteger() != in[0].isInteger()) {
                return null;
            }
        }
        return concatAlong(in, axis);
    }

    /** A constant of {@code like}'s kind: integer values from {@code longs}, floating ones from {@code reals}. */
    private static ConstValue make(ConstValue like, long[] dims, long[] longs, double[] reals) {
        return like.isInteger() ? ConstValue.ofLongs(like.elemType(), dims, longs)
                : ConstValue.ofReals(like.elemType(), dims, reals);
    }

    /** Row-major strides of {@code dims}. */
    private static long[] strides(long[] dims) {
        long[] st = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            st[i] = acc;
            acc *= dims[i];
        }
        return st;
    }

    /**
     * Gathers {@code x} into an array of {@code outDims}: element at output coordinates c comes from the flat index
     * {@code base + sum(c[i] * step[i])}.
     */
    private static ConstValue strided(ConstValue x, long[] outDims, long base, long[] step) {
        int total = (int) ShapeRules.product(outDims, 0, outDims.length);
        long[] lo = new long[total];
        double[] dout = new double[total];
        int r = outDims.length;
        long[] c = new long[r];
        for (int flat = 0; flat < total; flat++) {
            long src = base;
            for (int i = 0; i < r; i++) {
                src += c[i] * step[i];
            }
            lo[flat] = x.longAt((int) src);
            dout[flat] = x.doubleAt((int) src);
            for (int i = r - 1; i >= 0; i--) {
                if (++c[i] < outDims[i]) {
                    break;
                }
                c[i] = 0;
            }
        }
        return make(x, outDims, lo, dout);
    }

    private static ConstValue transpose(Node n, ConstValue x) {
        long[] d = x.dims();
        long[] perm = ShapeRules.perm(n, d.length);
        long[] st = strides(d);
        long[] out = new long[d.length];
        long[] step = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            out[i] = d[(int) perm[i]];
            step[i] = st[(int) perm[i]];
        }
        return strided(x, out, 0, step);
    }

    private static ConstValue tile(ConstValue x, ConstValue reps) {
        if (reps == null || reps.size() != x.rank()) {
            return null;
        }
        ConstValue acc = x;
        for (int a = 0; a < x.rank(); a++) {
            long k = reps.longAt(a);
            ConstValue[] copies = new ConstValue[(int) k];
            java.util.Arrays.fill(copies, acc);
            if (k == 0 || ShapeRules.product(acc.dims(), 0, acc.rank()) * k > MAX_ELEMENTS) {
                return null;
            }
            acc = concatAlong(copies, a);
        }
        return acc;
    }

    private static ConstValue concatAlong(ConstValue[] parts, int axis) {
        long[] dims = parts[0].dims();
        dims[axis] = 0;
        for (ConstValue c : parts) {
            dims[axis] += c.dims()[axis];
        }
        long outer = ShapeRules.product(dims, 0, axis);
        long inner = ShapeRules.product(dims, axis + 1, dims.length);
        int total = (int) ShapeRules.product(dims, 0, dims.length);
        long[] lo = new long[total];
        double[] dout = new double[total];
        int p = 0;
        for (long o = 0; o < outer; o++) {
            for (ConstValue c : parts) {
                long block = c.dims()[axis] * inner;
                for (long q = 0; q < block; q++) {
                    int src = (int) (o * block + q);
                    lo[p] = c.longAt(src);
                    dout[p++] = c.doubleAt(src);
                }
            }
        }
        return make(parts[0], dims, lo, dout);
    }

    private static ConstValue slice(Node n, Shapes s, ConstValue x) {
        long[] d = x.dims();
        long[][] r = ShapeRules.sliceRanges(n, s, d);
        if (r == null) {
            return null;
        }
        long[] st = strides(d);
        long base = 0;
        long[] step = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            base += r[0][i] * st[i];
            step[i] = r[1][i] * st[i];
        }
        return strided(x, r[2], base, step);
    }

    private static int[] broadcastIndex(long[] outDims, long[] inDims) {
        int n = (int) ShapeRules.product(outDims, 0, outDims.length);
        int[] map = new int[n];
        int r = outDims.length;
        int off = r - inDims.length;
        for (int flat = 0; flat < n; flat++) {
            int rem = flat;
            int src = 0;
            int stride = 1;
            for (int i = r - 1; i >= 0; i--) {
                int coord = (int) (rem % outDims[i]);
                rem /= (int) outDims[i];
                if (i >= off) {
                    long d = inDims[i - off];
                    src += (d == 1 ? 0 : coord) * stride;
                    stride *= (int) d;
                }
            }
            map[flat] = src;
        }
        return map;
    }

    private static ConstValue binary(String op, ConstValue a, ConstValue b) {
        if (b == null) {
            return null;
        }
        long[] dims = ShapeRules.broadcast(a.dims(), b.dims());
        int[] ia = broadcastIndex(dims, a.dims());
        int[] ib = broadcastIndex(dims, b.dims());
        boolean bool = BOOLEAN_RESULT.contains(op);
        if (a.isInteger() && b.isInteger() || bool) {
            long[] out = new long[ia.length];
            for (int i = 0; i < out.length; i++) {
                if (bool) {
                    double x = a.doubleAt(ia[i]);
                    double y = b.doubleAt(ib[i]);
                    out[i] = switch (op) {
                        case "Equal" -> x == y ? 1 : 0;
                        case "Less" -> x < y ? 1 : 0;
                        case "LessOrEqual" -> x <= y ? 1 : 0;
                        case "GreaterOrEqual" -> x >= y ? 1 : 0;
                        case "And" -> x != 0 && y != 0 ? 1 : 0;
                        case "Or" -> x != 0 || y != 0 ? 1 : 0;
                        default -> x > y ? 1 : 0;
                    };
                    continue;
                }
                long x = a.longAt(ia[i]);
                long y = b.longAt(ib[i]);
                out[i] = switch (op) {
                    case "Add" -> x + y;
                    case "Sub" -> x - y;
                    case "Mul" -> x * y;
                    case "Div" -> y == 0 ? 0 : x / y;
                    case "Mod" -> y == 0 ? 0 : Math.floorMod(x, y);
                    case "Max" -> Math.max(x, y);
                    default -> Math.min(x, y);
                };
            }
            return ConstValue.ofLongs(bool ? ElementType.BOOL : a.elemType(), dims, out);
        }
        double[] out = new double[ia.length];
        for (int i = 0; i < out.length; i++) {
            double x = a.doubleAt(ia[i]);
            double y = b.doubleAt(ib[i]);
            out[i] = switch (op) {
                case "Add" -> x + y;
                case "Sub" -> x - y;
                case "Mul" -> x * y;
                case "Div" -> x / y;
                case "Mod" -> x % y;
                case "Max" -> Math.max(x, y);
                default -> Math.min(x, y);
            };
        }
        return ConstValue.ofReals(a.isInteger() ? b.elemType() : a.elemType(), dims, out);
    }

    private static ConstValue where(ConstValue c, ConstValue x, ConstValue y) {
        if (x == null || y == null) {
            return null;
        }
        long[] dims = ShapeRules.broadcast(ShapeRules.broadcast(c.dims(), x.dims()), y.dims());
        int[] ic = broadcastIndex(dims, c.dims());
        int[] ix = broadcastIndex(dims, x.dims());
        int[] iy = broadcastIndex(dims, y.dims());
        if (x.isInteger()) {
            long[] out = new long[ic.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = c.longAt(ic[i]) != 0 ? x.longAt(ix[i]) : y.longAt(iy[i]);
            }
            return ConstValue.ofLongs(x.elemType(), dims, out);
        }
        double[] out = new double[ic.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = c.longAt(ic[i]) != 0 ? x.doubleAt(ix[i]) : y.doubleAt(iy[i]);
        }
        return ConstValue.ofReals(x.elemType(), dims, out);
    }

    private static ConstValue unary(String op, ConstValue x) {
        if (x.isInteger()) {
            long[] v = x.longs();
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (op) {
                    case "Neg" -> -v[i];
                    case "Abs" -> Math.abs(v[i]);
                    case "Not" -> v[i] == 0 ? 1 : 0;
                    default -> v[i];
                };
            }
            return ConstValue.ofLongs(x.elemType(), x.dims(), v);
        }
        double[] v = x.doubles();
        for (int i = 0; i < v.length; i++) {
            v[i] = switch (op) {
                case "Neg" -> -v[i];
                case "Abs" -> Math.abs(v[i]);
                case "Floor" -> Math.floor(v[i]);
                case "Ceil" -> Math.ceil(v[i]);
                case "Sqrt" -> Math.sqrt(v[i]);
                // torchvision's detection transform: the resize scale is min(min_size / short, max_size / long), via
                // Reciprocal; rounded as float32 arithmetic rounds it, so that Floor gives the size the runtime does.
                case "Reciprocal" -> x.elemType() == ElementType.FLOAT ? (float) (1.0 / v[i]) : 1.0 / v[i];
                default -> v[i];
            };
        }
        return ConstValue.ofReals(x.elemType(), x.dims(), v);
    }

    private static ConstValue constantOfShape(Node n, ConstValue shape) {
        long[] dims = shape.longs();
        long count = ShapeRules.product(dims, 0, dims.length);
        if (count < 0 || count > MAX_ELEMENTS) {
            return null;
        }
        var t = n.attrTensor("value");
        ConstValue v = t == null ? ConstValue.ofReals(ElementType.FLOAT, new long[] {1}, new double[] {0}) :
                ConstValue.of(t);
        if (v.isInteger()) {
            long[] out = new long[(int) count];
            Arrays.fill(out, v.longAt(0));
            return ConstValue.ofLongs(v.elemType(), dims, out);
        }
        double[] out = new double[(int) count];
        Arrays.fill(out, v.doubleAt(0));
        return ConstValue.ofReals(v.elemType(), dims, out);
    }

    private static ConstValue range(ConstValue start, ConstValue limit, ConstValue delta) {
        if (limit == null || delta == null) {
            return null;
        }
        double s = start.doubleAt(0);
        double l = limit.doubleAt(0);
        double d = delta.doubleAt(0);
        long n = Math.max(0, (long) Math.ceil((l - s) / d));
        if (n > MAX_ELEMENTS) {
            return null;
        }
        if (start.isInteger()) {
            long[] out = new long[(int) n];
            for (int i = 0; i < n; i++) {
                out[i] = start.longAt(0) + i * delta.longAt(0);
            }
            return ConstValue.ofLongs(start.elemType(), new long[] {n}, out);
        }
        double[] out = new double[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = s + i * d;
        }
        return ConstValue.ofReals(start.elemType(), new long[] {n}, out);
    }

    private static ConstValue reduceAll(Node n, Shapes s, String op, ConstValue x) {
        if (x.rank() != 1) {
            return null;
        }
        int[] axes = ShapeRules.reduceAxes(n, s, 1);
        if (axes == null || axes.length != 1) {
            return null;
        }
        boolean keep = n.attrInt("keepdims", 1) != 0;
        long[] dims = keep ? new long[] {1} : new long[0];
        // torchvision's detection transform takes the largest image size with ReduceMax over stacked sizes.
        if (x.isInteger()) {
            long[] v = x.longs();
            long acc = switch (op) {
                case "ReduceProd" -> Arrays.stream(v).reduce(1, (a, b) -> a * b);
                case "ReduceSum" -> Arrays.stream(v).sum();
                case "ReduceMax" -> Arrays.stream(v).max().orElse(Long.MIN_VALUE);
                default -> Arrays.stream(v).min().orElse(Long.MAX_VALUE);
            };
            return ConstValue.ofLongs(x.elemType(), dims, new long[] {acc});
        }
        double[] v = x.doubles();
        double acc = switch (op) {
            case "ReduceProd" -> Arrays.stream(v).reduce(1, (a, b) -> a * b);
            case "ReduceSum" -> Arrays.stream(v).sum();
            case "ReduceMax" -> Arrays.stream(v).max().orElse(Double.NEGATIVE_INFINITY);
            default -> Arrays.stream(v).min().orElse(Double.POSITIVE_INFINITY);
        };
        return ConstValue.ofReals(x.elemType(), dims, new double[] {acc});
    }

    private static ConstValue expand(ConstValue x, ConstValue shape) {
        if (shape == null) {
            return null;
        }
        long[] dims = ShapeRules.broadcast(x.dims(), shape.longs());
        if (ShapeRules.product(dims, 0, dims.length) > MAX_ELEMENTS) {
            return null;
        }
        int[] ix = broadcastIndex(dims, x.dims());
        if (x.isInteger()) {
            long[] out = new long[ix.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = x.longAt(ix[i]);
            }
            return ConstValue.ofLongs(x.elemType(), dims, out);
        }
        double[] out = new double[ix.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = x.doubleAt(ix[i]);
        }
        return ConstValue.ofReals(x.elemType(), dims, out);
    }
}
