package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.ShapeRules;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Backward rules of data movement: Concat, Split, Slice, Gather, Reshape and kin, Transpose, Expand, Tile, Pad,
 * Identity, Dropout and Cast; plus the non-differentiable shape ops, which need no rule body.
 */
final class ShapeOpRules {

    private ShapeOpRules() {
    }

    static void register(Map<String, BackwardRule> rules) {
        BackwardRule reshapeBack = c -> c.addGradient(0, c.emit().reshape(c.gradient(), c.dims(c.output(0)),
                c.dims(c.input(0))));
        for (String op : List.of("Reshape", "Flatten", "Squeeze", "Unsqueeze")) {
            rules.put(op, reshapeBack);
        }
        BackwardRule identity = c -> c.addGradient(0, c.gradient());
        rules.put("Identity", identity);
        rules.put("Dropout", identity);
        rules.put("Cast", ShapeOpRules::cast);
        rules.put("Transpose", ShapeOpRules::transpose);
        rules.put("Expand", c -> c.addGradient(0,
                c.unbroadcast(c.gradient(), c.dims(c.output(0)), c.dims(c.input(0)))));
        rules.put("Concat", ShapeOpRules::concat);
        rules.put("Split", ShapeOpRules::split);
        rules.put("Slice", ShapeOpRules::slice);
        rules.put("Gather", ShapeOpRules::gather);
        rules.put("Pad", ShapeOpRules::pad);
        rules.put("Tile", ShapeOpRules::tile);
        rules.put("DepthToSpace", ShapeOpRules::depthSpace);
        rules.put("SpaceToDepth", ShapeOpRules::depthSpace);
        BackwardRule none = c -> {
            // Outputs are integers or constants: no gradient flows back.
        };
        for (String op : List.of("Shape", "Size", "Constant", "ConstantOfShape")) {
            rules.put(op, none);
        }
    }

    static void cast(BackwardContext c) {
        int from = c.shapes().type(c.input(0)).elemType();
        if (ElementType.isFloating(from)) {
            c.addGradient(0, c.emit().cast(c.gradient(), from));
        }
    }

    static void transpose(BackwardContext c) {
        long[] x = c.dims(c.input(0));
        long[] perm = ShapeRules.perm(c.node(), x.length);
        long[] inverse = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[(int) perm[i]] = i;
        }
        c.addGradient(0, c.emit().transpose(c.gradient(), inverse));
    }

    static void concat(BackwardContext c) {
        long[] y = c.dims(c.output(0));
        int axis = ShapeRules.axis(c.node().attrInt("axis", 0), y.length);
        long offset = 0;
        for (int i = 0; i < c.node().inputs().size(); i++) {
            long size = c.dims(c.input(i))[axis];
            if (c.needsGradient(i)) {
                c.addGradient(i, c.emit().slice(c.gradient(), new long[] {offset}, new long[] {offset + size},
                        new long[] {axis}));
            }
            offset += size;
        }
    }

    static void split(BackwardContext c) {
        long[] x = c.dims(c.input(0));
        int axis = ShapeRules.axis(c.node().attrInt("axis", 0), x.length);
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < c.node().outputs().size(); i++) {
            parts.add(c.gradientOrZeros(i));
        }
        c.addGradient(0, c.emit().concat(parts, axis));
    }

    static void slice(BackwardContext c) {
        long[] x = c.dims(c.input(0));
        long[][] ranges = ShapeRules.sliceRanges(c.node(), c.shapes(), x);
        if (ranges == null) {
            throw c.unsupported("its starts, ends, axes and steps must be constant");
        }
        long[] starts = ranges[0];
        long[] steps = ranges[1];
        long[] counts = ranges[2];
        boolean unitSteps = true;
        for (long s : steps) {
            unitSteps &= s == 1;
        }
        Emitter e = c.emit();
        if (unitSteps) {
            // The slice is a box: the gradient is the incoming one padded back with zeros.
            long[] pads = new long[2 * x.length];
            for (int i = 0; i < x.length; i++) {
                pads[i] = starts[i];
                pads[i + x.length] = x[i] - starts[i] - counts[i];
            }
            c.addGradient(0, e.pad(c.gradient(), pads, c.elemType()));
            return;
        }
        // Strided or reversed slices: scatter each output element back to its (unique) source position.
        int n = (int) ShapeRules.product(counts, 0, counts.length);
        long[] source = new long[n];
        long[] strides = strides(x);
        for (int flat = 0; flat < n; flat++) {
            int rem = flat;
            long src = 0;
            for (int i = x.length - 1; i >= 0; i--) {
                long q = rem % counts[i];
                rem /= (int) counts[i];
                src += (starts[i] + q * steps[i]) * strides[i];
            }
            source[flat] = src;
        }
        c.addGradient(0, scatterFlat(c, source, x, false));
    }

    private static long[] strides(long[] dims) {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    /** Scatters the flattened incoming gradient to flat input positions {@code source}. */
    private static String scatterFlat(BackwardContext c, long[] source, long[] x, boolean duplicates) {
        Emitter e = c.emit();
        long total = ShapeRules.product(x, 0, x.length);
        String zeros = e.zeros(new long[] {total}, c.elemType());
        String idx = e.constant(Tensors.ofLongs("", source));
        String flat = e.reshape(c.gradient(), new long[] {-1});
        return e.reshape(e.scatter1d(zeros, idx, flat, duplicates), x);
    }

    static void gather(BackwardContext c) {
        if (c.needsGradient(1)) {
            throw c.unsupported("indices are not differentiable");
        }
        ConstValue indices = c.constant(1);
        if (indices == null) {
            // Indices computed at run time (TopK, ArgMax, NonMaxSuppression): constants of the backward pass.
            IndexRules.gatherDynamic(c);
            return;
        }
        long[] x = c.dims(c.input(0));
        int axis = ShapeRules.axis(c.node().attrInt("axis", 0), x.length);
        long[] idx = indices.longs();
        long outer = ShapeRules.product(x, 0, axis);
        long inner = ShapeRules.product(x, axis + 1, x.length);
        long[] source = new long[(int) (outer * idx.length * inner)];
        boolean[] seen = new boolean[(int) x[axis]];
        boolean duplicates = false;
        for (long k : idx) {
            int kk = (int) (k < 0 ? k + x[axis] : k);
            duplicates |= seen[kk];
            seen[kk] = true;
        }
        int p = 0;
        for (long o = 0; o < outer; o++) {
            for (long k : idx) {
                long kk = k < 0 ? k + x[axis] : k;
                for (long q = 0; q < inner; q++) {
                    source[p++] = (o * x[axis] + kk) * inner + q;
                }
            }
        }
        if (duplicates && !c.emit().canScatterAdd()) {
            throw c.needsOpset(16, "repeated indices need opset 16 or later to differentiate");
        }
        c.addGradient(0, scatterFlat(c, source, x, duplicates));
    }

    static void pad(BackwardContext c) {
        String mode = c.node().attrString("mode", "constant");
        if (!List.of("constant", "reflect", "edge", "wrap").contains(mode)) {
            throw c.unsupported("only modes constant, reflect, edge and wrap are differentiable, not '" + mode + "'");
        }
        long[] x = c.dims(c.input(0));
        int r = x.length;
        long[] pads = ShapeRules.padAmounts(c.node(), c.shapes(), r);
        if (pads == null) {
            throw c.unsupported("its pads must be constant");
        }
        Emitter e = c.emit();
        if (!mode.equals("constant")) {
            c.addGradient(0, foldPad(c, mode, x, pads));
            return;
        }
        long[] starts = new long[r];
        long[] ends = new long[r];
        long[] axes = new long[r];
        long[] back = new long[2 * r];
        boolean cropped = false;
        for (int i = 0; i < r; i++) {
            long b = pads[i];
            long a = pads[i + r];
            // Positive pads are cut off again; negative pads (cropping) are restored as zeros.
            starts[i] = Math.max(b, 0);
            ends[i] = starts[i] + x[i] + Math.min(b, 0) + Math.min(a, 0);
            axes[i] = i;
            back[i] = -Math.min(b, 0);
            back[i + r] = -Math.min(a, 0);
            cropped |= b < 0 || a < 0;
        }
        String g = e.slice(c.gradient(), starts, ends, axes);
        c.addGradient(0, cropped ? e.pad(g, back, c.elemType()) : g);
    }

    /**
     * Pad in reflect, edge or wrap mode: each output position copies one source position per axis, so the gradient
     * folds back axis by axis with a constant 0/1 matrix A[out][in] (built here from static shapes): move the axis
     * last, MatMul by A, move it back. Mirrored / replicated positions accumulate onto their sources.
     */
    private static String foldPad(BackwardContext c, String mode, long[] x, long[] pads) {
        Emitter e = c.emit();
        int r = x.length;
        long[] cur = new long[r];
        for (int i = 0; i < r; i++) {
            cur[i] = x[i] + pads[i] + pads[i + r];
            if (pads[i] < 0 || pads[i + r] < 0) {
                throw c.unsupported("negative pads are only differentiable with mode=constant");
            }
            // ONNX Runtime's reflect needs pads < size; its wrap with pads > size does not repeat periodically.
            long limit = mode.equals("reflect") ? x[i] - 1 : mode.equals("wrap") ? x[i] : Long.MAX_VALUE;
            if (Math.max(pads[i], pads[i + r]) > limit) {
                throw c.unsupported("mode=" + mode + " pads must not exceed " + limit + " on axis " + i
                        + " (size " + x[i] + "); supported: constant (any pads), edge (any), reflect (pads < size),"
                        + " wrap (pads <= size)");
            }
        }
        String g = c.gradient();
        for (int i = 0; i < r; i++) {
            long before = pads[i];
            if (before == 0 && pads[i + r] == 0) {
                continue;
            }
            int n = (int) x[i];
            int out = (int) cur[i];
            double[] a = new double[out * n];
            for (int p = 0; p < out; p++) {
                a[p * n + padSource(mode, p - before, n)] += 1;
            }
            long[] perm = new long[r];
            for (int k = 0; k < r; k++) {
                perm[k] = k;
            }
            perm[i] = r - 1;
            perm[r - 1] = i;
            boolean last = i == r - 1;
            String moved = last ? g : e.transpose(g, perm);
            String folded = e.op("MatMul", moved, e.reals(new long[] {out, n}, a, c.elemType()));
            g = last ? folded : e.transpose(folded, perm);
            cur[i] = n;
        }
        return g;
    }

    /** The source index along one axis of padded position {@code q} (relative to the first unpadded one). */
    static int padSource(String mode, long q, int n) {
        switch (mode) {
            case "edge" -> {
                return (int) Math.min(Math.max(q, 0), n - 1);
            }
            case "wrap" -> {
                return (int) Math.floorMod(q, (long) n);
            }
            default -> {
                if (n == 1) {
                    return 0;
                }
                long period = 2L * (n - 1);
                long m = Math.floorMod(q, period);
                return (int) (m < n ? m : period - m);
            }
        }
    }

    /**
     * DepthToSpace (DCR and CRD modes) and SpaceToDepth are a Reshape, a Transpose and a Reshape: the gradient runs
     * them backwards (reshape to the transposed 6-D shape, inverse transpose, reshape to the input).
     */
    static void depthSpace(BackwardContext c) {
        long[] x = c.dims(c.input(0));
        if (x.length != 4) {
            throw c.unsupported("only 4-D inputs are supported");
        }
        long b = c.node().attrInt("blocksize", 0);
        long n = x[0];
        long ch = x[1];
        long h = x[2];
        long w = x[3];
        long[] perm;
        long[] transposed;
        if (c.node().opType().equals("DepthToSpace")) {
            long cOut = ch / (b * b);
            if (c.node().attrString("mode", "DCR").equals("CRD")) {
                // [N, C', b, b, H, W] -> [N, C', H, b, W, b]
                perm = new long[] {0, 1, 4, 2, 5, 3};
            } else {
                // [N, b, b, C', H, W] -> [N, C', H, b, W, b]
                perm = new long[] {0, 3, 4, 1, 5, 2};
            }
            transposed = new long[] {n, cOut, h, b, w, b};
        } else {
            // [N, C, H', b, W', b] -> [N, b, b, C, H', W']
            perm = new long[] {0, 3, 5, 1, 2, 4};
            transposed = new long[] {n, b, b, ch, h / b, w / b};
        }
        long[] inverse = new long[perm.length];
        for (int i = 0; i < perm.length; i++) {
            inverse[(int) perm[i]] = i;
        }
        Emitter e = c.emit();
        c.addGradient(0, e.reshape(e.transpose(e.reshape(c.gradient(), transposed), inverse), x));
    }

    static void tile(BackwardContext c) {
        long[] x = c.dims(c.input(0));
        long[] y = c.dims(c.output(0));
        long[] split = new long[2 * x.length];
        long[] axes = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            split[2 * i] = y[i] / x[i];
            split[2 * i + 1] = x[i];
            axes[i] = 2L * i;
        }
        Emitter e = c.emit();
        c.addGradient(0, e.reshape(e.reduceSum(e.reshape(c.gradient(), split), axes, false), x));
    }
}
