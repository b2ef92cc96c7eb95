package dev.gradcam.onnx.graph;

import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Replaces each If whose condition is a constant once the input shapes are known by the nodes of the branch it takes.
 * Exporters emit such Ifs for shape-dependent Python branches (torch's {@code squeeze} of a dim that may be 1,
 * torchvision's detection code); inlined, the branch's operators get shapes and backward rules like any other. The
 * branch's own values, nodes and initializers are prefixed with the If's name (subgraph names may repeat outer ones);
 * its outputs become the If's outputs through Identity nodes, so the rest of the graph reads the same names.
 */
final class IfInliner {

    private IfInliner() {
    }

    /** The graph with every If of constant condition inlined, or null when there is none. */
    static Graph inline(Graph graph, Shapes shapes) {
        GraphProto g = graph.model().getGraph();
        GraphProto.Builder out = g.toBuilder().clearNode();
        boolean changed = false;
        for (NodeProto n : g.getNodeList()) {
            ConstValue cond = n.getOpType().equals("If") && n.getDomain().isEmpty() && n.getInputCount() == 1
                    ? shapes.constant(n.getInput(0)) : null;
            if (cond == null || cond.size() != 1) {
                out.addNode(n);
                continue;
            }
            boolean taken = cond.isInteger() ? cond.longAt(0) != 0 : cond.doubleAt(0) != 0;
            GraphProto branch = branch(n, taken ? "then_branch" : "else_branch");
            if (branch == null || branch.getOutputCount() != n.getOutputCount()) {
                out.addNode(n);
                continue;
            }
            splice(n, branch, out);
            changed = true;
        }
        return changed ? Graph.of(graph.model().toBuilder().setGraph(out).build()) : null;
    }

    /** A subgraph whose reads of renamed values use the new names (its own values keep theirs). */
    static GraphProto renamed(GraphProto g, Map<String, String> names) {
        GraphProto.Builder b = g.toBuilder();
        for (int k = 0; k < b.getNodeCount(); k++) {
            NodeProto.Builder n = b.getNode(k).toBuilder();
            for (int i = 0; i < n.getInputCount(); i++) {
                n.setInput(i, names.getOrDefault(n.getInput(i), n.getInput(i)));
            }
            for (int a = 0; a < n.getAttributeCount(); a++) {
                AttributeProto attr = n.getAttribute(a);
                if (attr.hasG()) {
                    n.setAttribute(a, attr.toBuilder().setG(renamed(attr.getG(), names)));
                }
            }
            b.setNode(k, n);
        }
        for (int o = 0; o < b.getOutputCount(); o++) {
            ValueInfoProto v = b.getOutput(o);
            b.setOutput(o, v.toBuilder().setName(names.getOrDefault(v.getName(), v.getName())));
        }
        return b.build();
    }

    private static GraphProto branch(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name) && a.hasG()) {
                return a.getG();
            }
        }
        return null;
    }

    private static void splice(NodeProto n, GraphProto branch, GraphProto.Builder out) {
        String prefix = (n.getName().isEmpty() ? n.getOutput(0) : n.getName()) + "/";
        Map<String, String> local = new HashMap<>();
        for (TensorProto t : branch.getInitializerList()) {
            local.put(t.getName(), prefix + t.getName());
        }
        for (NodeProto inner : branch.getNodeList()) {
            for (String o : inner.getOutputList()) {
                if (!o.isEmpty()) {
                    local.put(o, prefix + o);
                }
            }
        }
        for (TensorProto t : branch.getInitializerList()) {
            out.addInitializer(t.toBuilder().setName(local.get(t.getName())));
        }
        for (NodeProto inner : branch.getNodeList()) {
            NodeProto.Builder b = inner.toBuilder().clearInput().clearOutput()
                    .setName(prefix + (inner.getName().isEmpty() ? inner.getOutput(0) : inner.getName()));
            for (String i : inner.getInputList()) {
                b.addInput(local.getOrDefault(i, i)); // names not made here come from the enclosing graph
            }
            // Nested subgraphs (an If in the branch) may read the branch's values too.
            for (int a = 0; a < b.getAttributeCount(); a++) {
                AttributeProto attr = b.getAttribute(a);
                if (attr.hasG()) {
                    b.setAttribute(a, attr.toBuilder().setG(renamed(attr.getG(), local)));
                }
            }
            for (String o : inner.getOutputList()) {
                b.addOutput(o.isEmpty() ? o : local.get(o));
            }
            out.addNode(b);
        }
        List<ValueInfoProto> outs = new ArrayList<>(branch.getOutputList());
        for (int i = 0; i < outs.size(); i++) {
            String from = outs.get(i).getName();
            out.addNode(NodeProto.newBuilder().setOpType("Identity").setName(prefix + "output" + i)
                    .addInput(local.getOrDefault(from, from)).addOutput(n.getOutput(i)));
        }
    }
}
