package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.TensorShapeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One compiled graph for every batch size. The compiler specialises to a concrete input shape, and backward rules
 * bake shapes that contain the batch size into constants (Reshape and Expand targets, Resize sizes, ...). Given the
 * same pass compiled at two batch sizes, the constants that differ are exactly the batch-dependent ones: where every
 * difference is an int64 constant whose elements are each either the same or the batch size times a fixed factor, it
 * becomes {@code base + N * factor} computed at run time from the input's leading dimension {@code N}, and the graph's
 * inputs and outputs get a symbolic leading dimension. Any other difference (other nodes, attributes, float
 * constants, a non-proportional element) means the graph does not generalise, and the caller keeps one graph per
 * batch size. Two more patterns of 1-D int64 constants whose length grows with the batch are recognised, the flat
 * scatter indices of the Gather and strided-Slice gradients: positions that repeat per image with a fixed stride,
 * and one run of consecutive positions whose start and length are proportional to the batch size. Both become a
 * {@code Range} over the batch (opset 11+). Nothing is guessed: a constant that does not depend on the batch is the same in both graphs and stays.
 */
public final class SymbolicBatch {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SymbolicBatch.class);

    /** The name of the symbolic leading dimension. */
    public static final String BATCH = "batch";
    private static final String PREFIX = "gradcam_batch/";

    private SymbolicBatch() {
    }

    /**
     * The batch-symbolic form of a pass compiled at batch sizes {@code na} and {@code nb}, or empty when it does not
     * generalise.
     *
     * @param a  the pass compiled at batch size {@code na}
     * @param b  the same pass compiled at batch size {@code nb} (different from {@code na}, both at least 2, so that
     *           no rule treats the batch axis as a broadcast axis of size 1)
     */
    public static Optional<CompiledGraph> generalize(CompiledGraph a, long na, CompiledGraph b, long nb) {
        if (na == nb || !a.equals(withModel(b, a.model()))) {
            return Optional.empty(); // other names: another pass
        }
        ModelProto ma = a.model();
        ModelProto mb = b.model();
        if (!ma.toBuilder().clearGraph().build().equals(mb.toBuilder().clearGraph().build())) {
            return Optional.empty();
        }
        GraphProto ga = ma.getGraph();
        GraphProto gb = mb.getGraph();
        if (ga.getNodeCount() != gb.getNodeCount() || ga.getInitializerCount() != gb.getInitializerCount()
                || ga.getInputCount() != gb.getInputCount() || ga.getOutputCount() != gb.getOutputCount()
                || ga.getValueInfoCount() > 0 || gb.getValueInfoCount() > 0 || !ga.toBuilder().clearNode()
                .clearInitializer().clearInput().clearOutput().build().equals(gb.toBuilder().clearNode()
                        .clearInitializer().clearInput().clearOutput().build())) {
            return Optional.empty();
        }
        String input = a.input();
        long opset = ma.getOpsetImportList().stream().filter(o -> o.getDomain().isEmpty() || o.getDomain()
                .equals("ai.onnx")).mapToLong(o -> o.getVersion()).findFirst().orElse(0);
        List<NodeProto> batchNodes = new ArrayList<>();
        String n = PREFIX + "n";
        batchNodes.add(NodeProto.newBuilder().setOpType("Shape").addInput(input).addOutput(PREFIX + "shape")
                .setName(PREFIX + "shape").build());
        TensorProto zero = TensorProto.newBuilder().setName(PREFIX + "zero").setDataType(ElementType.INT64)
                .addInt64Data(0).build();
        batchNodes.add(NodeProto.newBuilder().setOpType("Gather").addInput(PREFIX + "shape").addInput(zero.getName())
                .addOutput(n).setName(PREFIX + "gather").build());
        List<TensorProto> extraInitializers = new ArrayList<>(List.of(zero));
        Map<String, long[][]> proportional = new HashMap<>();
        boolean anyConstant = false;

        GraphProto.Builder g = ga.toBuilder().clearNode().clearInitializer().clearInput().clearOutput();
        for (int i = 0; i < ga.getInitializerCount(); i++) {
            TensorProto ta = ga.getInitializer(i);
            TensorProto tb = gb.getInitializer(i);
            if (ta.equals(tb)) {
                g.addInitializer(ta);
                continue;
            }
            Optional<List<NodeProto>> expr = expression(ta, tb, na, nb, ta.getName(), n, extraInitializers, opset,
                    proportional);
            if (expr.isEmpty()) {
                return rejected("constant '" + ta.getName() + "' (dims " + ta.getDimsList() + " and "
                        + tb.getDimsList() + ", type " + ta.getDataType() + ")");
            }
            batchNodes.addAll(expr.get());
            anyConstant = true;
        }
        List<NodeProto> nodes = new ArrayList<>(batchNodes);
        for (int i = 0; i < ga.getNodeCount(); i++) {
            NodeProto x = ga.getNode(i);
            NodeProto y = gb.getNode(i);
            if (x.equals(y)) {
                nodes.add(x);
                continue;
            }
            Optional<List<NodeProto>> expr = x.getOpType().equals("Constant") && x.getDomain().isEmpty()
                    && x.getOutputCount() == 1 && sameExceptValue(x, y)
                    ? expression(value(x), value(y), na, nb, x.getOutput(0), n, extraInitializers, opset, proportional)
                    : Optional.empty();
            if (expr.isEmpty()) {
                return rejected("node '" + x.getName() + "' (" + x.getOpType() + ")");
            }
            nodes.addAll(expr.get());
            anyConstant = true;
        }
        for (int i = 0; i < ga.getInputCount(); i++) {
            Optional<ValueInfoProto> v = symbolic(ga.getInput(i), gb.getInput(i), na, nb);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            g.addInput(v.get());
        }
        for (int i = 0; i < ga.getOutputCount(); i++) {
            Optional<ValueInfoProto> v = symbolic(ga.getOutput(i), gb.getOutput(i), na, nb);
            if (v.isEmpty()) {
                return Optional.empty();
            }
            g.addOutput(v.get());
        }
        if (anyConstant) {
            nodes = inferredReshapes(nodes, proportional, extraInitializers, ga.getOutputList().stream()
                    .map(ValueInfoProto::getName).collect(java.util.stream.Collectors.toSet()));
            g.addAllNode(nodes).addAllInitializer(unusedDropped(extraInitializers, nodes));
        } else {
            g.addAllNode(ga.getNodeList());
        }
        return Optional.of(withModel(a, ma.toBuilder().setGraph(g).build()));
    }

    /**
     * Reshapes whose target has one batch-proportional element get a constant target with -1 there instead of the
     * one computed at run time (same result: the other elements fix the one left to infer), so that shape inference
     * still knows the result's rank and other dims (with a computed target it knows neither; the max-pool gradient's
     * flat scatter is reshaped back this way). Expressions left unused are dropped.
     */
    private static List<NodeProto> inferredReshapes(List<NodeProto> nodes, Map<String, long[][]> proportional,
                                                    List<TensorProto> initializers, Set<String> graphOutputs) {
        List<NodeProto> out = new ArrayList<>(nodes.size());
        Set<String> added = new HashSet<>();
        for (NodeProto x : nodes) {
            long[][] bf = x.getOpType().equals("Reshape") && x.getDomain().isEmpty() && x.getInputCount() == 2
                    ? proportional.get(x.getInput(1)) : null;
            long[] target = bf == null ? null : inferredTarget(bf[0], bf[1]);
            if (target == null) {
                out.add(x);
                continue;
            }
            String name = PREFIX + x.getInput(1) + "/inferred";
            if (added.add(name)) {
                initializers.add(int64(name, List.of((long) target.length), target));
            }
            out.add(x.toBuilder().setInput(1, name).build());
        }
        // A batch expression that feeds nothing any more (its Reshapes now use their own constant) goes.
        boolean removed = true;
        while (removed) {
            Set<String> used = new HashSet<>(graphOutputs);
            out.forEach(x -> used.addAll(x.getInputList()));
            removed = out.removeIf(x -> x.getName().startsWith(PREFIX) && x.getOutputList().stream()
                    .noneMatch(used::contains));
        }
        return out;
    }

    /** {@code base} with -1 at the one element that grows with the batch, or null when that is not exact. */
    private static long[] inferredTarget(long[] base, long[] factor) {
        int at = -1;
        for (int i = 0; i < base.length; i++) {
            if (factor[i] != 0) {
                if (at >= 0) {
                    return null;
                }
                at = i;
            } else if (base[i] <= 0) {
                return null; // 0 (copy or zero-size, by allowzero) or an existing -1: keep the computed target
            }
        }
        if (at < 0) {
            return null;
        }
        long[] target = base.clone();
        target[at] = -1;
        return target;
    }

    private static List<TensorProto> unusedDropped(List<TensorProto> initializers, List<NodeProto> nodes) {
        Set<String> used = new HashSet<>();
        nodes.forEach(x -> used.addAll(x.getInputList()));
        return initializers.stream().filter(t -> used.contains(t.getName())).toList();
    }

    private static Optional<CompiledGraph> rejected(String what) {
        LOG.debug("not batch-symbolic: {} depends on the batch size otherwise than proportionally", what);
        return Optional.empty();
    }

    private static CompiledGraph withModel(CompiledGraph c, ModelProto m) {
        return new CompiledGraph(m, c.input(), c.seedInput(), c.output(), c.activations(), c.gradients(),
                c.inputGradient(), c.seedOutput(), c.biasGradients(), c.hessianProducts(), c.outputTangents());
    }

    private static boolean sameExceptValue(NodeProto x, NodeProto y) {
        return x.getAttributeCount() == 1 && y.getAttributeCount() == 1
                && x.getAttribute(0).getName().equals("value") && y.getAttribute(0).getName().equals("value")
                && x.toBuilder().clearAttribute().build().equals(y.toBuilder().clearAttribute().build());
    }

    private static TensorProto value(NodeProto constant) {
        AttributeProto a = constant.getAttribute(0);
        return a.hasT() ? a.getT() : null;
    }

    /**
     * Nodes computing {@code name} = base + n * factor, when {@code ta} (at batch na) and {@code tb} (at batch nb) are
     * int64 tensors of one shape whose every element is either equal in both or na resp. nb times one factor.
     */
    private static Optional<List<NodeProto>> expression(TensorProto ta, TensorProto tb, long na, long nb, String name,
                                                        String n, List<TensorProto> initializers, long opset,
                                                        Map<String, long[][]> proportional) {
        if (ta == null || tb == null || ta.getDataType() != ElementType.INT64 || tb.getDataType() != ElementType.INT64
                || ta.hasDataLocation() && ta.getDataLocation()
                != TensorProto.DataLocation.DEFAULT || tb.hasDataLocation() && tb.getDataLocation()
                != TensorProto.DataLocation.DEFAULT) {
            return Optional.empty();
        }
        long[] va = longs(ta);
        long[] vb = longs(tb);
        if (va == null || vb == null) {
            return Optional.empty();
        }
        if (!ta.getDimsList().equals(tb.getDimsList())) {
            if (ta.getDimsCount() != 1 || tb.getDimsCount() != 1 || opset < 11) {
                return Optional.empty();
            }
            Optional<List<NodeProto>> run = contiguous(va, na, vb, nb, name, n, initializers);
            return run.isPresent() ? run : perImage(va, na, vb, nb, name, n, initializers);
        }
        if (va.length != vb.length) {
            return Optional.empty();
        }
        long[] base = new long[va.length];
        long[] factor = new long[va.length];
        for (int i = 0; i < va.length; i++) {
            if (va[i] == vb[i]) {
                base[i] = va[i];
            } else if (va[i] % na == 0 && vb[i] % nb == 0 && va[i] / na == vb[i] / nb) {
                factor[i] = va[i] / na;
            } else {
                return Optional.empty();
            }
        }
        String id = PREFIX + name;
        if (ta.getDimsCount() == 1) {
            proportional.put(name, new long[][] {base, factor});
        }
        initializers.add(int64(id + "/base", ta.getDimsList(), base));
        initializers.add(int64(id + "/factor", ta.getDimsList(), factor));
        return Optional.of(List.of(
                NodeProto.newBuilder().setOpType("Mul").addInput(n).addInput(id + "/factor").addOutput(id + "/scaled")
                        .setName(id + "/mul").build(),
                NodeProto.newBuilder().setOpType("Add").addInput(id + "/scaled").addInput(id + "/base").addOutput(name)
                        .setName(id + "/add").build()));
    }

    /**
     * Nodes computing {@code name} when {@code va} (batch na) and {@code vb} (batch nb) are flat positions that
     * repeat per image: {@code v[i * L + j] = i * S + v[j]} for images i, with the same L, S and first L values in
     * both (the flat scatter indices of Gather and strided Slice gradients). At run time:
     * {@code Reshape(Range(0, N) * S, [-1, 1]) + v[0..L)}, flattened.
     */
    private static Optional<List<NodeProto>> perImage(long[] va, long na, long[] vb, long nb, String name, String n,
                                                      List<TensorProto> initializers) {
        if (va.length % na != 0 || vb.length % nb != 0 || va.length / na != vb.length / nb || va.length == 0) {
            return Optional.empty();
        }
        int l = (int) (va.length / na);
        long stride = va[l] - va[0];
        for (long[] v : List.of(va, vb)) {
            for (int i = 0; i < v.length; i++) {
                if (v[i] != (i / l) * stride + va[i % l]) {
                    return Optional.empty();
                }
            }
        }
        String id = PREFIX + name;
        long[] first = java.util.Arrays.copyOf(va, l);
        initializers.add(int64(id + "/first", List.of((long) l), first));
        initializers.add(int64(id + "/stride", List.of(), new long[] {stride}));
        initializers.add(int64(id + "/zero", List.of(), new long[] {0}));
        initializers.add(int64(id + "/one", List.of(), new long[] {1}));
        initializers.add(int64(id + "/column", List.of(2L), new long[] {-1, 1}));
        initializers.add(int64(id + "/flat", List.of(1L), new long[] {-1}));
        return Optional.of(List.of(
                node("Range", id + "/images", id + "/zero", n, id + "/one"),
                node("Mul", id + "/offsets", id + "/images", id + "/stride"),
                node("Reshape", id + "/column_offsets", id + "/offsets", id + "/column"),
                node("Add", id + "/grid", id + "/column_offsets", id + "/first"),
                node("Reshape", name, id + "/grid", id + "/flat")));
    }

    /**
     * Nodes computing {@code name} when {@code va} (batch na) and {@code vb} (batch nb) are each one run of
     * consecutive positions whose start and length are both proportional to the batch size (the flat scatter
     * indices of a Gather along a leading axis that is not the batch, e.g. q, k and v out of one projection): at run
     * time {@code Range(N * start, N * (start + length), 1)}, per image.
     */
    private static Optional<List<NodeProto>> contiguous(long[] va, long na, long[] vb, long nb, String name,
                                                        String n, List<TensorProto> initializers) {
        if (va.length == 0 || va.length % na != 0 || vb.length % nb != 0 || va.length / na != vb.length / nb
                || va[0] % na != 0 || vb[0] % nb != 0 || va[0] / na != vb[0] / nb) {
            return Optional.empty();
        }
        for (long[] v : List.of(va, vb)) {
            for (int i = 0; i < v.length; i++) {
                if (v[i] != v[0] + i) {
                    return Optional.empty();
                }
            }
        }
        String id = PREFIX + name;
        long start = va[0] / na;
        long length = va.length / na;
        initializers.add(int64(id + "/start", List.of(), new long[] {start}));
        initializers.add(int64(id + "/end", List.of(), new long[] {start + length}));
        initializers.add(int64(id + "/one", List.of(), new long[] {1}));
        return Optional.of(List.of(
                node("Mul", id + "/from", n, id + "/start"),
                node("Mul", id + "/to", n, id + "/end"),
                node("Range", name, id + "/from", id + "/to", id + "/one")));
    }

    private static NodeProto node(String op, String output, String... inputs) {
        return NodeProto.newBuilder().setOpType(op).addAllInput(List.of(inputs)).addOutput(output)
                .setName(output + "/" + op).build();
    }

    private static long[] longs(TensorProto t) {
        if (t.hasRawData()) {
            ByteBuffer b = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() % Long.BYTES != 0) {
                return null;
            }
            long[] out = new long[b.remaining() / Long.BYTES];
            b.asLongBuffer().get(out);
            return out;
        }
        return t.getInt64DataList().stream().mapToLong(Long::longValue).toArray();
    }

    private static TensorProto int64(String name, List<Long> dims, long[] values) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(ElementType.INT64).addAllDims(dims);
        for (long v : values) {
            t.addInt64Data(v);
        }
        return t.build();
    }

    /** {@code a} with its leading dimension symbolic, when it and {@code b} differ only there, as na and nb. */
    private static Optional<ValueInfoProto> symbolic(ValueInfoProto a, ValueInfoProto b, long na, long nb) {
        if (a.equals(b)) {
            return Optional.of(a);
        }
        if (!a.getType().hasTensorType() || !a.getType().getTensorType().hasShape()
                || a.getType().getTensorType().getShape().getDimCount() == 0) {
            return Optional.empty();
        }
        TensorShapeProto sa = a.getType().getTensorType().getShape();
        TensorShapeProto.Dimension d0 = sa.getDim(0);
        ValueInfoProto.Builder v = a.toBuilder();
        v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0,
                TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        ValueInfoProto.Builder w = b.toBuilder();
        w.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().setDim(0,
                TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH));
        TensorShapeProto sb = b.getType().getTensorType().getShape();
        boolean batchAxis = d0.hasDimValue() && d0.getDimValue() == na && sb.getDimCount() == sa.getDimCount()
                && sb.getDim(0).hasDimValue() && sb.getDim(0).getDimValue() == nb;
        return batchAxis && v.build().equals(w.build()) ? Optional.of(v.build()) : Optional.empty();
    }
}
