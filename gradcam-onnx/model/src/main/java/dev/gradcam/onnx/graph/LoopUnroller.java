package dev.gradcam.onnx.graph;

import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Unrolls each Loop that is a for-loop of a trip count known once the input shapes are: the trip count a constant
 * (at most {@link #MAX_TRIPS}), the loop condition absent or constantly true, and the body passing its condition
 * through unchanged. Each iteration's copy of the body reads the previous one's loop-carried values; scan outputs are
 * stacked along a new first axis; the Loop's outputs keep their names. Unrolled, the body's operators get shapes and
 * backward rules like any other. Loops that may stop early, or run longer, stay as they are.
 */
final class LoopUnroller {

    /** Longer loops stay loops: unrolling copies the body once per trip. */
    static final int MAX_TRIPS = 64;

    private LoopUnroller() {
    }

    /** The graph with every such Loop unrolled, or null when there is none. */
    static Graph unroll(Graph graph, Shapes shapes) {
        GraphProto g = graph.model().getGraph();
        GraphProto.Builder out = g.toBuilder().clearNode();
        boolean changed = false;
        for (NodeProto n : g.getNodeList()) {
            int trips = n.getOpType().equals("Loop") && n.getDomain().isEmpty() ? trips(n, shapes) : -1;
            GraphProto body = trips > 0 ? body(n) : null;
            if (body == null || !forLoop(body, n)) {
                out.addNode(n);
                continue;
            }
            splice(n, body, trips, out);
            changed = true;
        }
        return changed ? Graph.of(graph.model().toBuilder().setGraph(out).build()) : null;
    }

    /** The constant trip count, or -1 when it is unknown, absent, too large, or the condition may be false. */
    private static int trips(NodeProto n, Shapes shapes) {
        if (n.getInputCount() < 2 || n.getInput(0).isEmpty()) {
            return -1;
        }
        ConstValue m = shapes.constant(n.getInput(0));
        if (m == null || m.size() != 1 || m.longAt(0) < 1 || m.longAt(0) > MAX_TRIPS) {
            return -1;
        }
        if (!n.getInput(1).isEmpty()) {
            ConstValue cond = shapes.constant(n.getInput(1));
            if (cond == null || cond.size() != 1 || cond.longAt(0) == 0) {
                return -1;
            }
        }
        return (int) m.longAt(0);
    }

    private static GraphProto body(NodeProto n) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals("body") && a.hasG()) {
                return a.getG();
            }
        }
        return null;
    }

    /** True if the body's condition output is its condition input, directly or through Identity nodes. */
    private static boolean forLoop(GraphProto body, NodeProto n) {
        int carried = n.getInputCount() - 2;
        if (body.getInputCount() != carried + 2 || body.getOutputCount() < carried + 1) {
            return false;
        }
        String condIn = body.getInput(1).getName();
        String cond = body.getOutput(0).getName();
        Map<String, NodeProto> producers = new HashMap<>();
        for (NodeProto inner : body.getNodeList()) {
            for (String o : inner.getOutputList()) {
                producers.put(o, inner);
            }
        }
        for (int hops = 0; hops <= body.getNodeCount(); hops++) {
            if (cond.equals(condIn)) {
                return true;
            }
            NodeProto p = producers.get(cond);
            if (p == null || !p.getOpType().equals("Identity")) {
                return false;
            }
            cond = p.getInput(0);
        }
        return false;
    }

    private static void splice(NodeProto n, GraphProto body, int trips, GraphProto.Builder out) {
        String label = n.getName().isEmpty() ? n.getOutput(0) : n.getName();
        int carried = n.getInputCount() - 2;
        int scans = body.getOutputCount() - 1 - carried;
        List<String> current = new ArrayList<>(n.getInputList().subList(2, n.getInputCount()));
        List<List<String>> scanned = new ArrayList<>();
        for (int s = 0; s < scans; s++) {
            scanned.add(new ArrayList<>());
        }
        for (int k = 0; k < trips; k++) {
            String prefix = label + "/iteration" + k + "/";
            Map<String, String> local = new HashMap<>();
            String iter = prefix + body.getInput(0).getName();
            out.addInitializer(Tensors.ofLongs(iter, new long[0], new long[] {k}));
            local.put(body.getInput(0).getName(), iter);
            String cond = prefix + body.getInput(1).getName();
            out.addInitializer(TensorProto.newBuilder().setName(cond).setDataType(ElementType.BOOL).addInt32Data(1));
            local.put(body.getInput(1).getName(), cond);
            for (int j = 0; j < carried; j++) {
                local.put(body.getInput(2 + j).getName(), current.get(j));
            }
            for (TensorProto t : body.getInitializerList()) {
                local.put(t.getName(), prefix + t.getName());
                out.addInitializer(t.toBuilder().setName(prefix + t.getName()));
            }
            for (NodeProto inner : body.getNodeList()) {
                for (String o : inner.getOutputList()) {
                    if (!o.isEmpty()) {
                        local.put(o, prefix + o);
                    }
                }
            }
            for (NodeProto inner : body.getNodeList()) {
                NodeProto.Builder b = inner.toBuilder().clearInput().clearOutput()
                        .setName(prefix + (inner.getName().isEmpty() ? inner.getOutput(0) : inner.getName()));
                for (String i : inner.getInputList()) {
                    b.addInput(local.getOrDefault(i, i));
                }
                for (String o : inner.getOutputList()) {
                    b.addOutput(o.isEmpty() ? o : local.get(o));
                }
                for (int a = 0; a < b.getAttributeCount(); a++) {
                    if (b.getAttribute(a).hasG()) {
                        b.setAttribute(a, b.getAttribute(a).toBuilder().setG(IfInliner.renamed(b.getAttribute(a)
                                .getG(), local)));
                    }
                }
                out.addNode(b);
            }
            List<String> next = new ArrayList<>();
            for (int j = 0; j < carried; j++) {
                String v = body.getOutput(1 + j).getName();
                next.add(local.getOrDefault(v, v));
            }
            current = next;
            for (int s = 0; s < scans; s++) {
                String v = body.getOutput(1 + carried + s).getName();
                scanned.get(s).add(local.getOrDefault(v, v));
            }
        }
        for (int j = 0; j < carried && j < n.getOutputCount(); j++) {
            if (!n.getOutput(j).isEmpty()) {
                out.addNode(NodeProto.newBuilder().setOpType("Identity").setName(label + "/final" + j)
                        .addInput(current.get(j)).addOutput(n.getOutput(j)));
            }
        }
        String axes = label + "/axes0";
        if (scans > 0) {
            out.addInitializer(Tensors.ofLongs(axes, 0));
        }
        for (int s = 0; s < scans && carried + s < n.getOutputCount(); s++) {
            String name = n.getOutput(carried + s);
            if (name.isEmpty()) {
                continue;
            }
            NodeProto.Builder concat = NodeProto.newBuilder().setOpType("Concat").setName(label + "/scan" + s)
                    .addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT)
                            .setI(0)).addOutput(name);
            for (int k = 0; k < trips; k++) {
                String lifted = label + "/scan" + s + "/iteration" + k;
                out.addNode(NodeProto.newBuilder().setOpType("Unsqueeze").setName(lifted)
                        .addInput(scanned.get(s).get(k)).addInput(axes).addOutput(lifted));
                concat.addInput(lifted);
            }
            out.addNode(concat);
        }
    }
}
