package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Moves a row selection up through per-row operators before differentiation. A head that reads a few rows of one
 * axis (a vision transformer's class token: {@code Gather(x, 0, axis=1)} after the final LayerNorm) makes the
 * gradient zero on every other row of everything per-row before it: the last block's MLP, its LayerNorm, the
 * attention's output projection. Differentiated as it is, the backward of those MatMuls still runs on all rows.
 * Computing the selected rows only ({@code f(x)[rows] == f(x[rows])} for an operator that does not mix rows) gives
 * the same values and a backward on those rows alone; the selection lands where an operator mixes rows (the
 * attention's token-mixing MatMul) and its backward scatters there, as it did at the head. The rewrite never passes a
 * tap, a source or an output (their gradient must come from every use), and any value whose shape is not known
 * stops it. Plain gradients only.
 */
final class RowSlicing {

    /** Ops that act on each element alone. */
    private static final Set<String> UNARY = Set.of("Identity", "Relu", "Gelu", "Erf", "Sigmoid", "Tanh", "Sqrt",
            "Neg", "Abs", "Exp", "Log", "Reciprocal", "Softplus", "LeakyRelu", "Elu", "HardSigmoid", "HardSwish");
    /** Element-wise ops with numpy broadcasting. */
    private static final Set<String> BINARY = Set.of("Add", "Sub", "Mul", "Div");

    private final Shapes shapes;
    private final Graph graph;
    private final Set<String> keep;
    private final Set<String> dependsOnSource = new HashSet<>();
    private final Map<Integer, List<NodeProto>> after = new HashMap<>();
    private final List<NodeProto> before = new ArrayList<>();
    private final List<TensorProto> inits = new ArrayList<>();
    private final Map<String, String> sliced = new HashMap<>();
    private int counter;

    private RowSlicing(Shapes shapes, Set<String> keep, Set<String> sources) {
        this.shapes = shapes;
        this.graph = shapes.graph();
        this.keep = keep;
        dependsOnSource.addAll(sources);
        for (Node n : graph.nodes()) {
            for (String in : n.inputs()) {
                if (dependsOnSource.contains(in)) {
                    dependsOnSource.addAll(n.outputs());
                    break;
                }
            }
        }
    }

    /**
     * The graph with row selections moved up, re-inferred at the same input dims; or {@code shapes} itself when
     * nothing moves or anything is not known.
     *
     * @param keep    values that must stay as they are and be computed (taps, sources, the output)
     * @param sources values the gradient is taken with respect to
     */
    static Shapes apply(Shapes shapes, Set<String> keep, Set<String> sources) {
        try {
            Graph g = shapes.graph();
            if (g.model().getIrVersion() < 4) {
                return shapes; // initializers must be graph inputs there
            }
            Map<String, long[]> inputDims = new HashMap<>();
            for (ValueInfoProto in : g.inputs()) {
                if (g.isInitializer(in.getName())) {
                    continue;
                }
                var t = shapes.type(in.getName());
                if (t == null || !t.isStatic()) {
                    return shapes;
                }
                inputDims.put(in.getName(), t.dims());
            }
            for (Node n : g.nodes()) {
                for (AttributeProto a : n.proto().getAttributeList()) {
                    if (a.hasG() || a.getGraphsCount() > 0) {
                        return shapes; // subgraphs may read any outer value
                    }
                }
            }
            Set<String> kept = new HashSet<>(keep);
            g.outputs().forEach(v -> kept.add(v.getName()));
            RowSlicing r = new RowSlicing(shapes, kept, sources);
            ModelProto m = r.rewrite();
            if (m == null) {
                return shapes;
            }
            Shapes after = ShapeInference.infer(Graph.of(m), inputDims);
            return sameShapes(shapes, after) ? after : shapes;
        } catch (RuntimeException e) {
            return shapes; // anything unexpected: differentiate the graph as it is
        }
    }

    /** Whether every value of the rewritten graph is known at least as well as before, and every new one fully. */
    private static boolean sameShapes(Shapes before, Shapes after) {
        for (Node n : after.graph().nodes()) {
            for (String o : n.outputs()) {
                if (o.isEmpty()) {
                    continue;
                }
                var was = before.graph().producer(o) == null ? null : before.type(o);
                var now = after.type(o);
                boolean fresh = o.startsWith("gradcam/rows/");
                if (fresh && (now == null || !now.isStatic())
                        || was != null && was.isStatic() && (now == null || !now.isStatic()
                        || !Arrays.equals(was.dims(), now.dims()))) {
                    return false;
                }
            }
        }
        return true;
    }

    private ModelProto rewrite() {
        List<Node> nodes = graph.nodes();
        Map<Integer, NodeProto> replaced = new HashMap<>();
        for (Node n : nodes) {
            if (!n.opType().equals("Gather") || !OnnxFormat.isDefaultDomain(n.domain()) || n.inputs().size() != 2) {
                continue;
            }
            String x = n.input(0);
            Node p = graph.producer(x);
            if (p == null || keep.contains(x) || !dependsOnSource.contains(x) || !shapes.isFloating(x)
                    || !slicesThrough(p, x)) {
                continue;
            }
            long[] dims = shapes.dims(x);
            int axis = (int) n.attrInt("axis", 0);
            axis = axis < 0 ? axis + dims.length : axis;
            if (axis <= 0 || axis >= dims.length - 1) {
                continue; // the batch or the feature axis: nothing per-row to gain
            }
            ConstValue idx = shapes.constant(n.input(1));
            if (idx == null || !idx.isInteger() || idx.rank() > 1 || idx.size() == 0) {
                continue;
            }
            long[] rows = idx.longs().clone();
            for (int i = 0; i < rows.length; i++) {
                rows[i] = rows[i] < 0 ? rows[i] + dims[axis] : rows[i];
                if (rows[i] < 0 || rows[i] >= dims[axis]) {
                    return null;
                }
            }
            if (rows.length * 2L > dims[axis]) {
                continue;
            }
            String xr = slice(x, axis, rows);
            if (xr == null) {
                continue;
            }
            long[] local = new long[rows.length];
            for (int i = 0; i < local.length; i++) {
                local[i] = i;
            }
            String li = constant(idx.rank() == 0 ? new long[0] : new long[] {local.length}, local);
            replaced.put(n.index(), n.proto().toBuilder().setInput(0, xr).setInput(1, li).build());
        }
        if (replaced.isEmpty()) {
            return null;
        }
        List<NodeProto> out = new ArrayList<>(before);
        for (Node n : nodes) {
            out.add(replaced.getOrDefault(n.index(), n.proto()));
            out.addAll(after.getOrDefault(n.index(), List.of()));
        }
        out = withoutDeadNodes(out);
        ModelProto model = graph.model();
        var gb = model.getGraph().toBuilder().clearNode().addAllNode(out).addAllInitializer(inits);
        return model.toBuilder().setGraph(gb).build();
    }

    /** Whether the producer of {@code x} computes each row of it from the same rows of its inputs alone. */
    private boolean slicesThrough(Node p, String x) {
        if (!OnnxFormat.isDefaultDomain(p.domain()) || p.outputs().size() != 1 && !p.opType().equals(
                "LayerNormalization")) {
            return false;
        }
        String op = p.opType();
        return UNARY.contains(op) || BINARY.contains(op) || op.equals("MatMul") || op.equals("LayerNormalization");
    }

    /**
     * The name of a value equal to {@code x[rows]} on {@code axis} (dims kept), computed from the selected rows of
     * the inputs where the producer is per-row; or null where that cannot be shown.
     */
    private String slice(String x, int axis, long[] rows) {
        String key = x + "|" + axis + "|" + Arrays.toString(rows);
        String done = sliced.get(key);
        if (done != null) {
            return done;
        }
        String name = sliceThrough(x, axis, rows);
        if (name == null) {
            name = "gradcam/rows/" + counter++;
            NodeProto gather = NodeProto.newBuilder().setOpType("Gather").setName(name).addInput(x)
                    .addInput(constant(new long[] {rows.length}, rows)).addOutput(name)
                    .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                            .setI(axis)).build();
            place(graph.producer(x), gather);
        }
        sliced.put(key, name);
        return name;
    }

    /** {@code x[rows]} computed by a copy of x's producer on selected rows, or null. */
    private String sliceThrough(String x, int axis, long[] rows) {
        Node p = graph.producer(x);
        if (p == null || keep.contains(x) || !dependsOnSource.contains(x) || !slicesThrough(p, x)
                || !p.output(0).equals(x)) {
            return null;
        }
        long[] outDims = shapes.dims(x);
        int rank = outDims.length;
        String op = p.opType();
        List<String> inputs = new ArrayList<>(p.inputs());
        if (UNARY.contains(op)) {
            String in = slice(p.input(0), axis, rows);
            inputs.set(0, in);
        } else if (BINARY.contains(op)) {
            for (int j = 0; j < 2; j++) {
                long[] d = shapes.dims(p.input(j));
                int at = axis - (rank - d.length);
                if (at < 0 || d[at] == 1) {
                    continue; // broadcast along the axis: every row reads the same values
                }
                if (d[at] != outDims[axis]) {
                    return null;
                }
                inputs.set(j, slice(p.input(j), at, rows));
            }
        } else if (op.equals("MatMul")) {
            long[] a = shapes.dims(p.input(0));
            long[] b = shapes.dims(p.input(1));
            // [..., M, K] x [K, N]: the rows of A's leading axes map to the rows of the result one to one.
            if (b.length != 2 || a.length != rank || axis >= rank - 1) {
                return null;
            }
            inputs.set(0, slice(p.input(0), axis, rows));
        } else if (op.equals("LayerNormalization")) {
            int ax = (int) p.attrInt("axis", -1);
            ax = ax < 0 ? ax + rank : ax;
            if (axis >= ax || p.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
                return null; // the statistics outputs would change shape
            }
            inputs.set(0, slice(p.input(0), axis, rows));
        } else {
            return null;
        }
        if (inputs.contains(null)) {
            return null;
        }
        String name = "gradcam/rows/" + counter++;
        NodeProto.Builder b = p.proto().toBuilder().clearInput().addAllInput(inputs).clearOutput().addOutput(name)
                .setName(name);
        place(p, b.build());
        return name;
    }

    private void place(Node producer, NodeProto node) {
        if (producer == null) {
            before.add(node);
        } else {
            after.computeIfAbsent(producer.index(), k -> new ArrayList<>()).add(node);
        }
    }

    private String constant(long[] dims, long[] values) {
        String name = "gradcam/rows/idx" + counter++;
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.INT64_VALUE);
        for (long d : dims) {
            t.addDims(d);
        }
        for (long v : values) {
            t.addInt64Data(v);
        }
        inits.add(t.build());
        return name;
    }

    /** Drops nodes whose every output is neither read nor kept (the full-row versions that nothing reads now). */
    private List<NodeProto> withoutDeadNodes(List<NodeProto> nodes) {
        Set<String> used = new HashSet<>(keep);
        boolean[] live = new boolean[nodes.size()];
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto n = nodes.get(i);
            boolean l = false;
            for (String o : n.getOutputList()) {
                l |= !o.isEmpty() && used.contains(o);
            }
            if (l) {
                live[i] = true;
                used.addAll(n.getInputList());
            }
        }
        List<NodeProto> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            if (live[i]) {
                out.add(nodes.get(i));
            }
        }
        return out;
    }
}
