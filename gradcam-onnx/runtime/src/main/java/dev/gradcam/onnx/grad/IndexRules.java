package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.ShapeRules;
import java.util.List;
import java.util.Map;

/**
 * Backward rules for data selected or placed by index tensors computed at run time (detector heads: TopK, ArgMax,
 * NonMaxSuppression feed the indices). Indices are integers, so they are constants of the backward pass; gradients
 * are scattered back with {@code reduction="add"}, which accumulates repeated indices (opset 16 or later).
 */
final class IndexRules {

    private IndexRules() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("GatherElements", IndexRules::gatherElements);
        rules.put("GatherND", IndexRules::gatherNd);
        rules.put("ScatterND", IndexRules::scatterNd);
        rules.put("ScatterElements", IndexRules::scatterElements);
        rules.put("TopK", IndexRules::topK);
    }

    private static void requireScatterAdd(BackwardContext c) {
        if (!c.emit().canScatterAdd()) {
            throw c.needsOpset(16, "differentiating it needs ScatterElements/ScatterND with reduction=add, opset 16 "
                    + "or later");
        }
    }

    private static String zerosLike(BackwardContext c, String value) {
        return c.emit().zeros(c.dims(value), c.elemType());
    }

    /** y = GatherElements(x, i, axis): dx = ScatterElements(0, i, dy, axis, add). */
    static void gatherElements(BackwardContext c) {
        requireScatterAdd(c);
        long axis = c.node().attrInt("axis", 0);
        c.addGradient(0, c.emit().op("ScatterElements", List.of(zerosLike(c, c.input(0)), c.input(1), c.gradient()),
                Attr.i("axis", axis), Attr.s("reduction", "add")));
    }

    /**
     * y = GatherND(x, i) with batch_dims 0: each index tuple becomes a row of x viewed as [indexed positions, slice],
     * and dy is added back with ScatterElements along that axis. Not ScatterND with reduction add: ONNX Runtime's CPU
     * kernel for it runs index slices in parallel and races when indices repeat (a detection head's gradient varied
     * from run to run), while its ScatterElements accumulates in order.
     */
    static void gatherNd(BackwardContext c) {
        if (c.node().attrInt("batch_dims", 0) != 0) {
            throw c.unsupported("only batch_dims=0 is differentiable");
        }
        requireScatterAdd(c);
        Emitter e = c.emit();
        long[] x = c.dims(c.input(0));
        long[] q = c.dims(c.input(1));
        int k = (int) q[q.length - 1];
        long tuples = ShapeRules.product(q, 0, q.length - 1);
        long positions = ShapeRules.product(x, 0, k);
        long slice = ShapeRules.product(x, k, x.length);
        long[] sizes = java.util.Arrays.copyOf(x, k);
        long[] strides = new long[k];
        for (int j = k - 1; j >= 0; j--) {
            strides[j] = j == k - 1 ? 1 : strides[j + 1] * x[j + 1];
        }
        String idx = e.reshape(e.cast(c.input(1), dev.gradcam.onnx.model.ElementType.INT64), new long[] {tuples, k});
        String sizesC = e.longs(sizes);
        // Negative indices count from the end, as in GatherND.
        idx = e.where(e.less(idx, e.longs(new long[k])), e.add(idx, sizesC), idx);
        String flat = e.reduceSum(e.mul(idx, e.longs(strides)), new long[] {1}, true);
        String rows = e.expand(flat, new long[] {tuples, slice});
        String grad = e.reshape(c.gradient(), new long[] {tuples, slice});
        String dx = e.op("ScatterElements", List.of(e.zeros(new long[] {positions, slice}, c.elemType()), rows, grad),
                Attr.i("axis", 0), Attr.s("reduction", "add"));
        c.addGradient(0, e.reshape(dx, x));
    }

    /**
     * y = ScatterND(x, i, u): without reduction, dx is dy with the overwritten positions zeroed and du = GatherND(dy,
     * i) (indices must be unique, as the operator requires); with reduction add, dx = dy.
     */
    static void scatterNd(BackwardContext c) {
        String reduction = c.node().attrString("reduction", "none");
        if (!reduction.equals("none") && !reduction.equals("add")) {
            throw c.unsupported("only reduction none and add are differentiable, not '" + reduction + "'");
        }
        if (c.needsGradient(0)) {
            c.addGradient(0, reduction.equals("add") ? c.gradient() : c.emit().op("ScatterND",
                    List.of(c.gradient(), c.input(1), zerosLike(c, c.input(2)))));
        }
        if (c.needsGradient(2)) {
            c.addGradient(2, c.emit().op("GatherND", List.of(c.gradient(), c.input(1))));
        }
    }

    /** y = ScatterElements(x, i, u, axis): as {@link #scatterNd}, element-wise along {@code axis}. */
    static void scatterElements(BackwardContext c) {
        String reduction = c.node().attrString("reduction", "none");
        if (!reduction.equals("none") && !reduction.equals("add")) {
            throw c.unsupported("only reduction none and add are differentiable, not '" + reduction + "'");
        }
        long axis = c.node().attrInt("axis", 0);
        if (c.needsGradient(0)) {
            c.addGradient(0, reduction.equals("add") ? c.gradient() : c.emit().op("ScatterElements",
                    List.of(c.gradient(), c.input(1), zerosLike(c, c.input(2))), Attr.i("axis", axis)));
        }
        if (c.needsGradient(2)) {
            c.addGradient(2, c.emit().op("GatherElements", List.of(c.gradient(), c.input(1)), Attr.i("axis", axis)));
        }
    }

    /** (values, indices) = TopK(x, k): dx = ScatterElements(0, indices, d values, axis, add). */
    static void topK(BackwardContext c) {
        requireScatterAdd(c);
        long axis = ShapeRules.axis(c.node().attrInt("axis", -1), c.dims(c.input(0)).length);
        String indices = c.forwardOutput(1);
        c.addGradient(0, c.emit().op("ScatterElements", List.of(zerosLike(c, c.input(0)), indices,
                c.gradientOrZeros(0)), Attr.i("axis", axis), Attr.s("reduction", "add")));
    }

    /**
     * y = Gather(x, i, axis) with indices known only at run time: the indices, flattened, become ScatterElements
     * indices along {@code axis}, expanded over the other axes, and dy (reshaped to match) is added back.
     */
    static void gatherDynamic(BackwardContext c) {
        requireScatterAdd(c);
        Emitter e = c.emit();
        long[] x = c.dims(c.input(0));
        int axis = ShapeRules.axis(c.node().attrInt("axis", 0), x.length);
        long count = ShapeRules.product(c.dims(c.input(1)), 0, c.dims(c.input(1)).length);
        long[] gathered = x.clone();
        gathered[axis] = count;
        long[] lined = new long[x.length];
        java.util.Arrays.fill(lined, 1);
        lined[axis] = count;
        String idx = e.expand(e.reshape(e.cast(c.input(1), dev.gradcam.onnx.model.ElementType.INT64), lined),
                gathered);
        String grad = e.reshape(c.gradient(), gathered);
        c.addGradient(0, e.op("ScatterElements", List.of(zerosLike(c, c.input(0)), idx, grad),
                Attr.i("axis", axis), Attr.s("reduction", "add")));
    }
}
