package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.ShapeRules;
import dev.gradcam.onnx.graph.WindowGeometry;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Backward rules of pooling and reductions: MaxPool, AveragePool, the global pools and ReduceSum/Mean/Max/Min/L1/L2/
 * SumSquare/LogSum/LogSumExp.
 */
final class PoolingRules {

    private PoolingRules() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("MaxPool", PoolingRules::maxPool);
        rules.put("AveragePool", PoolingRules::averagePool);
        rules.put("GlobalAveragePool", PoolingRules::globalAveragePool);
        rules.put("GlobalMaxPool", PoolingRules::globalMaxPool);
        rules.put("ReduceSum", PoolingRules::reduce);
        rules.put("ReduceMean", PoolingRules::reduce);
        rules.put("ReduceMax", PoolingRules::reduce);
        rules.put("ReduceMin", PoolingRules::reduce);
        rules.put("ReduceL1", PoolingRules::reduce);
        rules.put("ReduceL2", PoolingRules::reduce);
        rules.put("ReduceSumSquare", PoolingRules::reduce);
        rules.put("ReduceLogSum", PoolingRules::reduce);
        rules.put("ReduceLogSumExp", PoolingRules::reduce);
    }

    static void maxPool(BackwardContext c) {
        long[] x = c.dims(c.input(0));
        long[] y = c.dims(c.output(0));
        Emitter e = c.emit();
        String indices;
        if (c.node().attrInt("storage_order", 0) != 0) {
            // Column-major indices would not address the row-major flat gradient: recompute with row-major ones.
            List<AttributeProto> attrs = new ArrayList<>();
            for (AttributeProto a : c.node().proto().getAttributeList()) {
                if (!a.getName().equals("storage_order")) {
                    attrs.add(a);
                }
            }
            indices = e.fresh("maxpool_indices");
            e.opInto("MaxPool", List.of(c.input(0)), List.of(e.fresh("maxpool_values"), indices),
                    attrs.toArray(new AttributeProto[0]));
        } else {
            indices = c.forwardOutput(1);
        }
        long[] k = c.node().attrInts("kernel_shape");
        WindowGeometry g = WindowGeometry.forward(c.node(), LinearRules.spatial(x), k,
                c.node().attrInt("ceil_mode", 0) != 0);
        c.addGradient(0, scatterByIndices(c, c.gradient(), indices, x, y, g.nonOverlapping() ? null : g));
    }

    /**
     * Sends each output gradient to the flat input position its MaxPool index names (ONNX Runtime flattens indices
     * over the whole N*C*H*W tensor). Overlapping windows ({@code overlap} non-null) can name one position
     * several times: from opset 16 ScatterElements accumulates them; before, the outputs are split into groups of
     * non-overlapping windows (output positions congruent modulo ceil(window / stride)) scattered separately.
     */
    static String scatterByIndices(BackwardContext c, String grad, String indices, long[] x, long[] y,
                                   WindowGeometry overlap) {
        Emitter e = c.emit();
        long total = ShapeRules.product(x, 0, x.length);
        String zeros = e.zeros(new long[] {total}, c.elemType());
        long[] flat = {-1};
        if (overlap == null || e.canScatterAdd()) {
            String s = e.scatter1d(zeros, e.reshape(indices, flat), e.reshape(grad, flat), overlap != null);
            return e.reshape(s, x);
        }
        if (e.opset() < 10) {
            throw c.needsOpset(10, "overlapping pooling windows need opset 10 or later to differentiate");
        }
        int r = x.length - 2;
        long[] m = new long[r];
        for (int i = 0; i < r; i++) {
            m[i] = Math.max(1, WindowGeometry.ceilDiv(overlap.effectiveKernel(i), overlap.strides()[i]));
        }
        long[] axes = new long[r];
        long[] ends = new long[r];
        for (int i = 0; i < r; i++) {
            axes[i] = i + 2;
            ends[i] = Long.MAX_VALUE;
        }
        List<String> parts = new ArrayList<>();
        long[] residue = new long[r];
        while (true) {
            boolean empty = false;
            for (int i = 0; i < r; i++) {
                empty |= residue[i] >= y[i + 2];
            }
            if (!empty) {
                String gi = e.slice(grad, residue.clone(), ends, axes, m);
                String ii = e.slice(indices, residue.clone(), ends, axes, m);
                parts.add(e.scatter1d(zeros, e.reshape(ii, flat), e.reshape(gi, flat), false));
            }
            int i = r - 1;
            while (i >= 0 && ++residue[i] == m[i]) {
                residue[i] = 0;
                i--;
            }
            if (i < 0) {
                break;
            }
        }
        return e.reshape(e.sum(parts), x);
    }

    static void averagePool(BackwardContext c) {
        Emitter e = c.emit();
        long[] x = c.dims(c.input(0));
        long[] y = c.dims(c.output(0));
        int r = x.length - 2;
        long[] k = c.node().attrInts("kernel_shape");
        WindowGeometry g = WindowGeometry.forward(c.node(), LinearRules.spatial(x), k,
                c.node().attrInt("ceil_mode", 0) != 0);
        int type = c.elemType();
        // Each output is (sum over its window's real positions) / divisor. The divisor rules (count_include_pad,
        // ceil_mode overhang) are the runtime's own, so read them off the op itself: pooling ones gives
        // count / divisor, and count is plain geometry. ONNX Runtime folds this constant subgraph at load time.
        long[] onesDims = x.clone();
        onesDims[0] = 1;
        onesDims[1] = 1;
        String pooledOnes = e.op("AveragePool", List.of(e.filled(onesDims, 1.0, type)),
                c.node().proto().getAttributeList().toArray(new AttributeProto[0]));
        long[] yOne = y.clone();
        yOne[0] = 1;
        yOne[1] = 1;
        // ONNX's static shape inference ignores the ceil_mode rule that drops a last window starting in the end
        // padding (it infers [.., 4, 4] where the kernel makes [.., 3, 3]), so a Mul with the gradient (our true
        // shape) was rejected as "Incompatible dimensions" when the session was created. Slicing the pooled ones to
        // the true sizes is a no-op at run time and makes the statically inferred shapes agree; the counts take
        // their shape from the pooled ones.
        if (ceilDropsWindow(g, c.node().attrInt("ceil_mode", 0) != 0)) {
            long[] axes = new long[r];
            long[] ends = new long[r];
            for (int i = 0; i < r; i++) {
                axes[i] = i + 2;
                ends[i] = y[i + 2];
            }
            pooledOnes = e.slice(pooledOnes, new long[r], ends, axes);
        }
        String counts = e.reals(new long[] {ShapeRules.product(yOne, 0, yOne.length)},
                validCounts(g, LinearRules.spatial(y)), type);
        String perOutput = e.div(pooledOnes, e.op("Reshape", counts, e.op("Shape", pooledOnes)));
        String scaled = e.mul(c.gradient(), perOutput);
        long[] flatDims = new long[x.length];
        flatDims[0] = x[0] * x[1];
        flatDims[1] = 1;
        System.arraycopy(y, 2, flatDims, 2, r);
        long[] kernelDims = new long[x.length];
        kernelDims[0] = 1;
        kernelDims[1] = 1;
        System.arraycopy(g.kernel(), 0, kernelDims, 2, r);
        double[] ones = new double[(int) ShapeRules.product(kernelDims, 0, kernelDims.length)];
        Arrays.fill(ones, 1.0);
        long[] outputPadding = new long[r];
        boolean crop = false;
        for (int i = 0; i < r; i++) {
            long eff = (g.kernel()[i] - 1) * g.dilations()[i] + 1;
            long full = g.strides()[i] * (y[i + 2] - 1) + eff - g.padsBegin()[i] - g.padsEnd()[i];
            if (full < x[i + 2]) {
                outputPadding[i] = x[i + 2] - full;
            } else if (full > x[i + 2]) {
                crop = true;
            }
        }
        String spread = e.op("ConvTranspose", List.of(e.reshape(scaled, flatDims), e.reals(kernelDims, ones, type)),
                Attr.ints("kernel_shape", g.kernel()),
                Attr.ints("strides", g.strides()),
                Attr.ints("dilations", g.dilations()),
                Attr.ints("pads", g.pads()),
                Attr.ints("output_padding", outputPadding));
        if (crop) {
            long[] axes = new long[r];
            long[] ends = new long[r];
            for (int i = 0; i < r; i++) {
                axes[i] = i + 2;
                ends[i] = x[i + 2];
            }
            spread = e.slice(spread, new long[r], ends, axes);
        }
        c.addGradient(0, e.reshape(spread, x));
    }

    /** True if ceil_mode dropped a last window that would start in the end padding on some axis. */
    static boolean ceilDropsWindow(WindowGeometry g, boolean ceilMode) {
        if (!ceilMode) {
            return false;
        }
        for (int i = 0; i < g.in().length; i++) {
            long span = g.in()[i] + g.padsBegin()[i] + g.padsEnd()[i] - g.effectiveKernel(i);
            if (WindowGeometry.ceilDiv(span, g.strides()[i]) + 1 != g.out()[i]) {
                return true;
            }
        }
        return false;
    }

    /** Per output position, how many real (unpadded) input positions its window covers. */
    static double[] validCounts(WindowGeometry g, long[] ySpatial) {
        int r = ySpatial.length;
        int n = (int) ShapeRules.product(ySpatial, 0, r);
        double[] out = new double[n];
        for (int flat = 0; flat < n; flat++) {
            int rem = flat;
            double count = 1;
            for (int i = r - 1; i >= 0; i--) {
                long q = rem % ySpatial[i];
                rem /= (int) ySpatial[i];
                long start = q * g.strides()[i] - g.padsBegin()[i];
                long valid = 0;
                for (long j = 0; j < g.kernel()[i]; j++) {
                    long p = start + j * g.dilations()[i];
                    if (p >= 0 && p < g.in()[i]) {
                        valid++;
                    }
                }
                count *= valid;
            }
            out[flat] = Math.max(1, count);
        }
        return out;
    }

    static void globalAveragePool(BackwardContext c) {
        long[] x = c.dims(c.input(0));
        long area = ShapeRules.product(x, 2, x.length);
        Emitter e = c.emit();
        String blocked = BlockedLayout.broadcast(c, c.gradient(), x, 1.0 / area);
        c.addGradient(0, blocked != null ? blocked
                : e.expand(e.mul(c.gradient(), c.scalar(1.0 / area)), c.dims(c.output(0)), x));
    }

    static void globalMaxPool(BackwardContext c) {
        long[] x = c.dims(c.input(0));
        long[] y = c.dims(c.output(0));
        Emitter e = c.emit();
        // A MaxPool over the whole plane gives the (first) argmax index, as PyTorch's max pooling routes it.
        String indices = e.fresh("globalmax_indices");
        e.opInto("MaxPool", List.of(c.input(0)), List.of(e.fresh("globalmax_values"), indices),
                Attr.ints("kernel_shape", LinearRules.spatial(x)));
        c.addGradient(0, scatterByIndices(c, c.gradient(), indices, x, y, null));
    }

    static void reduce(BackwardContext c) {
        Emitter e = c.emit();
        long[] x = c.dims(c.input(0));
        int[] axes = ShapeRules.reduceAxes(c.node(), c.shapes(), x.length);
        if (axes == null) {
            throw c.unsupported("its axes must be constant");
        }
        if (axes.length == 0) {
            if (!List.of("ReduceSum", "ReduceMean", "ReduceMax", "ReduceMin").contains(c.node().opType())) {
                throw c.unsupported("noop_with_empty_axes with empty axes is not supported for this reduction");
            }
            c.addGradient(0, c.gradient());
            return;
        }
        long[] kept = ShapeRules.reducedDims(x, axes, true);
        boolean keepDims = c.node().attrInt("keepdims", 1) != 0;
        String g = keepDims ? c.gradient() : e.reshape(c.gradient(), c.dims(c.output(0)), kept);
        switch (c.node().opType()) {
            case "ReduceSum" -> c.addGradient(0, e.expand(g, kept, x));
            case "ReduceMean" -> {
                long count = 1;
                for (int a : axes) {
                    count *= x[a];
                }
                c.addGradient(0, e.expand(e.mul(g, c.scalar(1.0 / count)), kept, x));
            }
            case "ReduceL1" -> c.addGradient(0, e.mul(e.expand(g, kept, x), e.op("Sign", c.input(0))));
            case "ReduceSumSquare" -> c.addGradient(0, e.mul(e.expand(g, kept, x), e.mul(c.input(0), c.scalar(2))));
            case "ReduceL2" -> {
                // y = sqrt(sum x^2): dy/dx = x / y
                String y = keepDims ? c.output(0) : e.reshape(c.output(0), kept);
                c.addGradient(0, e.mul(c.input(0), e.div(g, y)));
            }
            case "ReduceLogSum" -> {
                // y = log(sum x): dy/dx = 1 / sum x = exp(-y)
                String y = keepDims ? c.output(0) : e.reshape(c.output(0), kept);
                c.addGradient(0, e.expand(e.mul(g, e.op("Exp", e.neg(y))), kept, x));
            }
            case "ReduceLogSumExp" -> {
                // y = log(sum exp x): dy/dx = exp(x - y), the softmax over the reduced axes
                String y = keepDims ? c.output(0) : e.reshape(c.output(0), kept);
                c.addGradient(0, e.mul(g, e.op("Exp", e.sub(c.input(0), y))));
            }
            default -> {
                // Max/Min: the gradient is shared evenly between tied extreme elements (PyTorch's amax/amin).
                String y = keepDims ? c.output(0) : e.reshape(c.output(0), kept);
                String mask = e.cast(e.op("Equal", c.input(0), y), c.elemType());
                long[] ax = Arrays.stream(axes).asLongStream().toArray();
                String ties = e.reduceSum(mask, ax, true);
                c.addGradient(0, e.mul(mask, e.div(g, ties)));
            }
        }
    }
}
