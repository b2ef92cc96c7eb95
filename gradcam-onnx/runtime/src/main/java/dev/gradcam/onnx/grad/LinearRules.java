package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.WindowGeometry;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Backward rules of the linear layers: Conv, ConvTranspose, Gemm and MatMul. Weights get no gradients. */
final class LinearRules {

    private LinearRules() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("Conv", LinearRules::conv);
        rules.put("ConvTranspose", LinearRules::convTranspose);
        rules.put("Gemm", LinearRules::gemm);
        rules.put("MatMul", LinearRules::matMul);
    }

    static long[] spatial(long[] dims) {
        return Arrays.copyOfRange(dims, 2, dims.length);
    }

    static long[] kernel(BackwardContext c, long[] w) {
        long[] k = c.node().attrInts("kernel_shape");
        return k != null ? k : spatial(w);
    }

    private static void noWeightGradients(BackwardContext c, String what) {
        if (c.needsGradient(1)) {
            throw c.unsupported("gradients with respect to " + what + " computed from the input are not supported");
        }
    }

    /** Bias gradient: the output gradient summed over batch and space. */
    private static void biasGradient(BackwardContext c, int input) {
        if (c.needsGradient(input)) {
            long[] y = c.dims(c.output(0));
            long[] axes = new long[y.length - 1];
            axes[0] = 0;
            for (int i = 2; i < y.length; i++) {
                axes[i - 1] = i;
            }
            c.addGradient(input, c.emit().reduceSum(c.gradient(), axes, false));
        }
    }

    static void conv(BackwardContext c) {
        noWeightGradients(c, "Conv weights");
        biasGradient(c, 2);
        if (c.needsGradient(0)) {
            c.addGradient(0, convInputGradient(c, c.gradient(), c.input(1)));
        }
    }

    /**
     * The adjoint of the node's convolution (its input gradient, {@code B(s, V)}) applied to {@code grad} with the
     * weights {@code weight} in place of the node's (same shape): what LRP rules need besides the plain gradient.
     */
    static String convInputGradient(BackwardContext c, String grad, String weight) {
        long[] x = c.dims(c.input(0));
        long[] w = c.dims(c.input(1));
        long[] y = c.dims(c.output(0));
        WindowGeometry g = WindowGeometry.forward(c.node(), spatial(x), kernel(c, w), false);
        int r = x.length - 2;
        String flipped = flippedConv(c, g, w, r, grad, weight);
        if (flipped != null) {
            return flipped;
        }
        long[] outputPadding = new long[r];
        for (int i = 0; i < r; i++) {
            long eff = (g.kernel()[i] - 1) * g.dilations()[i] + 1;
            long produced = g.strides()[i] * (y[i + 2] - 1) + eff - g.padsBegin()[i] - g.padsEnd()[i];
            // Input positions the forward windows never reached (floor in the output size) get zero gradient.
            outputPadding[i] = x[i + 2] - produced;
            if (outputPadding[i] < 0) {
                throw c.unsupported("cannot invert its window geometry: " + Arrays.toString(g.pads()));
            }
        }
        String gx = c.emit().op("ConvTranspose", List.of(grad, weight),
                Attr.i("group", c.node().attrInt("group", 1)),
                Attr.ints("kernel_shape", g.kernel()),
                Attr.ints("strides", g.strides()),
                Attr.ints("dilations", g.dilations()),
                Attr.ints("pads", g.pads()),
                Attr.ints("output_padding", outputPadding));
        return BlockedLayout.reblocked(c, gx, x);
    }

    /** The node's convolution without its bias on {@code data} with {@code weight} ({@code F(v, V)} of LRP). */
    static String convForward(BackwardContext c, String data, String weight) {
        return c.emit().op("Conv", List.of(data, weight),
                c.node().proto().getAttributeList().toArray(new dev.gradcam.onnx.proto.Onnx.AttributeProto[0]));
    }

    /**
     * The input gradient of a stride-1 convolution as another convolution, with the weights' in/out channels swapped
     * (per group) and their window flipped: ONNX Runtime runs Conv much faster than ConvTranspose, and the weight
     * rearrangement is constant, so the session folds it once at load time. Null when the geometry does not allow it
     * (strides, padding wider than the window, opsets before Slice had steps).
     */
    private static String flippedConv(BackwardContext c, WindowGeometry g, long[] w, int r, String grad,
                                      String weight) {
        if (c.emit().opset() < 10) {
            return null;
        }
        long[] pads = new long[2 * r];
        for (int i = 0; i < r; i++) {
            long eff = g.effectiveKernel(i);
            pads[i] = eff - 1 - g.padsBegin()[i];
            pads[i + r] = eff - 1 - g.padsEnd()[i];
            if (g.strides()[i] != 1 || pads[i] < 0 || pads[i + r] < 0) {
                return null;
            }
        }
        Emitter e = c.emit();
        long groups = c.node().attrInt("group", 1);
        long m = w[0];
        long cPerGroup = w[1];
        String swapped;
        if (groups == 1) {
            swapped = e.swapAxes(weight, w.length, 0, 1);
        } else {
            // [M, C/g, k...] -> [g, M/g, C/g, k...] -> [g, C/g, M/g, k...] -> [C, M/g, k...]
            long[] split = new long[w.length + 1];
            split[0] = groups;
            split[1] = m / groups;
            split[2] = cPerGroup;
            System.arraycopy(w, 2, split, 3, r);
            long[] merged = new long[w.length];
            merged[0] = groups * cPerGroup;
            merged[1] = m / groups;
            System.arraycopy(w, 2, merged, 2, r);
            swapped = e.reshape(e.swapAxes(e.reshape(weight, split), split.length, 1, 2), merged);
        }
        long[] starts = new long[r];
        long[] ends = new long[r];
        long[] axes = new long[r];
        long[] steps = new long[r];
        for (int i = 0; i < r; i++) {
            starts[i] = -1;
            ends[i] = Long.MIN_VALUE;
            axes[i] = i + 2;
            steps[i] = -1;
        }
        String kernel = e.slice(swapped, starts, ends, axes, steps);
        return e.op("Conv", List.of(grad, kernel),
                Attr.i("group", groups),
                Attr.ints("kernel_shape", g.kernel()),
                Attr.ints("dilations", g.dilations()),
                Attr.ints("pads", pads));
    }

    static void convTranspose(BackwardContext c) {
        noWeightGradients(c, "ConvTranspose weights");
        biasGradient(c, 2);
        if (!c.needsGradient(0)) {
            return;
        }
        long[] x = c.dims(c.input(0));
        long[] w = c.dims(c.input(1));
        WindowGeometry g = WindowGeometry.transposed(c.node(), spatial(x), kernel(c, w));
        Emitter e = c.emit();
        // The adjoint of a transposed convolution is the convolution with the same weights and geometry.
        String gx = e.op("Conv", List.of(c.gradient(), c.input(1)),
                Attr.i("group", c.node().attrInt("group", 1)),
                Attr.ints("kernel_shape", g.kernel()),
                Attr.ints("strides", g.strides()),
                Attr.ints("dilations", g.dilations()),
                Attr.ints("pads", g.pads()));
        int r = x.length - 2;
        long[] ends = new long[r];
        long[] axes = new long[r];
        boolean crop = false;
        for (int i = 0; i < r; i++) {
            long eff = (g.kernel()[i] - 1) * g.dilations()[i] + 1;
            long produced = Math.floorDiv(g.out()[i] + g.padsBegin()[i] + g.padsEnd()[i] - eff, g.strides()[i]) + 1;
            ends[i] = x[i + 2];
            axes[i] = i + 2;
            crop |= produced != x[i + 2];
        }
        if (crop) {
            gx = e.slice(gx, new long[r], ends, axes);
        }
        c.addGradient(0, gx);
    }

    static void gemm(BackwardContext c) {
        Emitter e = c.emit();
        float beta = c.node().attrFloat("beta", 1f);
        // Y = alpha * A' B' + beta * C with A' = transA ? A^T : A and B' likewise.
        if (c.needsGradient(0)) {
            c.addGradient(0, gemmInputGradient(c, c.gradient(), 0, c.input(1)));
        }
        if (c.needsGradient(1)) {
            c.addGradient(1, gemmInputGradient(c, c.gradient(), 1, c.input(0)));
        }
        if (c.needsGradient(2)) {
            String g = c.gradient();
            String gc = beta == 1f ? g : e.mul(g, c.scalar(beta));
            c.addGradient(2, c.unbroadcast(gc, c.dims(c.output(0)), c.dims(c.input(2))));
        }
    }

    /**
     * The gradient of Gemm operand {@code which} (0 for A, 1 for B) for output gradient {@code grad}, with
     * {@code other} in place of the other operand.
     */
    static String gemmInputGradient(BackwardContext c, String grad, int which, String other) {
        Emitter e = c.emit();
        float alpha = c.node().attrFloat("alpha", 1f);
        boolean ta = c.node().attrInt("transA", 0) != 0;
        boolean tb = c.node().attrInt("transB", 0) != 0;
        if (which == 0) {
            return ta
                    ? gemm(c, List.of(other, grad), Attr.f("alpha", alpha), Attr.i("transA", tb ? 1 : 0),
                    Attr.i("transB", 1))
                    : gemm(c, List.of(grad, other), Attr.f("alpha", alpha), Attr.i("transB", tb ? 0 : 1));
        }
        return tb
                ? gemm(c, List.of(grad, other), Attr.f("alpha", alpha), Attr.i("transA", 1),
                Attr.i("transB", ta ? 1 : 0))
                : gemm(c, List.of(other, grad), Attr.f("alpha", alpha), Attr.i("transA", ta ? 0 : 1));
    }

    /** Gemm without C on operand {@code which} = {@code data} and the other = {@code other} ({@code F(v, V)}). */
    static String gemmForward(BackwardContext c, int which, String data, String other) {
        return gemm(c, which == 0 ? List.of(data, other) : List.of(other, data),
                Attr.f("alpha", c.node().attrFloat("alpha", 1f)),
                Attr.i("transA", c.node().attrInt("transA", 0)),
                Attr.i("transB", c.node().attrInt("transB", 0)));
    }

    /**
     * A Gemm without bias. Before opset 11 Gemm's C is required (ONNX Runtime refuses a 2-input Gemm at opset 9 or
     * 10): there a scalar zero stands in for it, which broadcasts to any (M, N).
     */
    private static String gemm(BackwardContext c, List<String> ab, AttributeProto... attrs) {
        Emitter e = c.emit();
        List<String> inputs = e.opset() < 11 ? List.of(ab.get(0), ab.get(1), e.scalar(0, c.elemType())) : ab;
        return e.op("Gemm", inputs, attrs);
    }

    static void matMul(BackwardContext c) {
        if (c.needsGradient(0)) {
            c.addGradient(0, matMulInputGradient(c, c.gradient(), 0, c.input(1)));
        }
        if (c.needsGradient(1)) {
            c.addGradient(1, matMulInputGradient(c, c.gradient(), 1, c.input(0)));
        }
    }

    /**
     * The gradient of MatMul operand {@code which} for output gradient {@code grad}, with {@code other} (of the
     * other operand's shape) in place of the other operand.
     */
    static String matMulInputGradient(BackwardContext c, String grad, int which, String other) {
        Emitter e = c.emit();
        long[] a = c.dims(c.input(0));
        long[] b = c.dims(c.input(1));
        // Promote 1-D operands to matrices as numpy does, so one formula covers every case.
        long[] ap = a.length == 1 ? new long[] {1, a[0]} : a;
        long[] bp = b.length == 1 ? new long[] {b[0], 1} : b;
        long[] yp = promotedOutput(ap, bp);
        String g = e.reshape(grad, yp);
        if (which == 0) {
            String bIn = b.length == 1 ? e.reshape(other, bp) : other;
            String ga = e.op("MatMul", g, e.swapAxes(bIn, bp.length, bp.length - 2, bp.length - 1));
            return e.reshape(c.unbroadcast(ga, product(yp, ap), ap), a);
        }
        String aIn = a.length == 1 ? e.reshape(other, ap) : other;
        String gb = e.op("MatMul", e.swapAxes(aIn, ap.length, ap.length - 2, ap.length - 1), g);
        return e.reshape(c.unbroadcast(gb, product(yp, bp), bp), b);
    }

    private static long[] promotedOutput(long[] ap, long[] bp) {
        int r = Math.max(ap.length, bp.length);
        long[] y = new long[r];
        for (int i = 0; i < r - 2; i++) {
            int ia = i - (r - ap.length);
            int ib = i - (r - bp.length);
            long da = ia >= 0 ? ap[ia] : 1;
            long db = ib >= 0 ? bp[ib] : 1;
            y[i] = Math.max(da, db);
        }
        y[r - 2] = ap[ap.length - 2];
        y[r - 1] = bp[bp.length - 1];
        return y;
    }

    /** The dims of a matmul gradient before reduction: the output's batch dims with the operand's matrix dims. */
    private static long[] product(long[] y, long[] operand) {
        long[] d = y.clone();
        d[d.length - 2] = operand[operand.length - 2];
        d[d.length - 1] = operand[operand.length - 1];
        return d;
    }
}
