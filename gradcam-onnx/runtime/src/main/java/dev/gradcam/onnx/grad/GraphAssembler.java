package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.TensorShapeProto;
import dev.gradcam.onnx.proto.Onnx.TypeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Assembles a runnable model from an original model, a node list, extra constants, inputs and outputs, keeping only
 * the nodes and constants the outputs need.
 */
final class GraphAssembler {

    private GraphAssembler() {
    }

    /** A value info with an element type and dims (-1 for a dimension left open). */
    static ValueInfoProto valueInfo(String name, ValueType type) {
        TypeProto.Tensor.Builder t = TypeProto.Tensor.newBuilder().setElemType(type.elemType());
        if (type.hasRank()) {
            TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
            for (long d : type.dims()) {
                TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
                if (d >= 0) {
                    dim.setDimValue(d);
                }
                // An empty dimension is an unknown size; a shared dim_param would claim sizes are equal.
                s.addDim(dim);
            }
            t.setShape(s);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(t)).build();
    }

    /**
     * Adds every value the subgraphs of {@code n} (If branches, Loop and Scan bodies) read: they may read values of
     * the enclosing graph by name, so those must be kept. Names produced inside a subgraph cannot clash with outer
     * ones (ONNX names are unique), so adding them too is harmless.
     */
    private static void addSubgraphReferences(NodeProto n, Set<String> needed) {
        for (var a : n.getAttributeList()) {
            if (a.hasG()) {
                addGraphReferences(a.getG(), needed);
            }
            for (GraphProto sub : a.getGraphsList()) {
                addGraphReferences(sub, needed);
            }
        }
    }

    private static void addGraphReferences(GraphProto g, Set<String> needed) {
        for (NodeProto n : g.getNodeList()) {
            needed.addAll(n.getInputList());
            addSubgraphReferences(n, needed);
        }
    }

    /**
     * Builds the model.
     *
     * @param nodes        candidate nodes in topological order
     * @param initializers candidate constants (original and new)
     * @param inputs       graph inputs
     * @param outputs      graph outputs
     */
    static ModelProto assemble(Graph original, List<NodeProto> nodes, List<TensorProto> initializers,
                               List<ValueInfoProto> inputs, List<ValueInfoProto> outputs) {
        Set<String> needed = new HashSet<>();
        for (ValueInfoProto o : outputs) {
            needed.add(o.getName());
        }
        List<NodeProto> kept = new ArrayList<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            NodeProto n = nodes.get(i);
            boolean useful = false;
            for (String o : n.getOutputList()) {
                useful |= needed.contains(o);
            }
            if (useful) {
                kept.add(n);
                needed.addAll(n.getInputList());
                addSubgraphReferences(n, needed);
            }
        }
        java.util.Collections.reverse(kept);
        GraphProto.Builder g = original.model().getGraph().toBuilder()
                .clearNode().clearInitializer().clearInput().clearOutput().clearValueInfo()
                .addAllNode(kept).addAllInput(inputs).addAllOutput(outputs);
        for (TensorProto t : initializers) {
            if (needed.contains(t.getName())) {
                g.addInitializer(t);
            }
        }
        ModelProto.Builder m = original.model().toBuilder().setGraph(g);
        // Dropping initializers from the input list needs IR version 4 (before it, initializers had to be inputs).
        if (m.getIrVersion() < 4) {
            m.setIrVersion(4);
        }
        return m.build();
    }
}
