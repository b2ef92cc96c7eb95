package dev.gradcam.cli.demo;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.model.OnnxModelWriter;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Makes an intermediate tensor an ONNX model's only output, dropping the nodes after it: here, the classifier's
 * logits before its final Softmax.
 *
 * <p>Why: Grad-CAM explains a class score, and the paper's score is the logit. A softmax that is saturated
 * (p = 1.000, as the text-direction classifier is on clean text) has gradients of about {@code p (1 - p) = 0}, which
 * gives blank maps; the logit's gradients do not vanish. Stateless.
 */
final class OutputCut {

    private OutputCut() {
    }

    /**
     * Writes to {@code to} the model of {@code from} with {@code tensor} as its only output.
     *
     * @param dims the output's shape, {@code -1} for a dynamic size
     * @throws InvalidInputException if no node of the model produces {@code tensor}
     */
    static void cut(Path from, String tensor, long[] dims, Path to) {
        ModelProto model = OnnxModelReader.read(from);
        GraphProto g = model.getGraph();
        Map<String, NodeProto> producer = new HashMap<>();
        for (NodeProto n : g.getNodeList()) {
            for (String o : n.getOutputList()) {
                producer.put(o, n);
            }
        }
        if (!producer.containsKey(tensor)) {
            throw new InvalidInputException("no node of " + from.getFileName() + " produces '" + tensor + "'");
        }
        // Keep the nodes the new output depends on, in their original (topological) order.
        Set<NodeProto> needed = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<String> todo = new ArrayDeque<>(List.of(tensor));
        while (!todo.isEmpty()) {
            NodeProto n = producer.get(todo.pop());
            if (n != null && needed.add(n)) {
                todo.addAll(n.getInputList());
            }
        }
        List<NodeProto> kept = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            if (needed.contains(n)) {
                kept.add(n);
            }
        }
        ValueInfoProto.Builder out = g.getOutput(0).toBuilder().setName(tensor);
        var shape = out.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().clear();
        for (long d : dims) {
            if (d < 0) {
                shape.addDimBuilder().setDimParam("N");
            } else {
                shape.addDimBuilder().setDimValue(d);
            }
        }
        GraphProto cut = g.toBuilder().clearNode().addAllNode(kept).clearOutput().addOutput(out).build();
        OnnxModelWriter.write(model.toBuilder().setGraph(cut).build(), to);
    }
}
