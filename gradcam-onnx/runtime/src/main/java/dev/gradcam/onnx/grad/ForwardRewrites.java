package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import java.util.HashMap;
import java.util.Map;

/** Extra outputs that backward rules add to forward nodes (MaxPool's Indices), applied when the model is emitted. */
final class ForwardRewrites {

    private final Map<Integer, NodeProto.Builder> changed = new HashMap<>();

    /** Makes output {@code i} of {@code node} exist under {@code name}, or returns the name it already has. */
    String addOutput(Node node, int i, String name) {
        NodeProto.Builder b = changed.computeIfAbsent(node.index(), k -> node.proto().toBuilder());
        while (b.getOutputCount() <= i) {
            b.addOutput("");
        }
        if (!b.getOutput(i).isEmpty()) {
            return b.getOutput(i);
        }
        b.setOutput(i, name);
        return name;
    }

    /** The node as it must be emitted. */
    NodeProto apply(Node node) {
        NodeProto.Builder b = changed.get(node.index());
        return b == null ? node.proto() : b.build();
    }
}
