package dev.gradcam.onnx.runtime;

import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Layers;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.model.ElementType;
import java.util.Set;

/** What one image costs a forward pass in intermediate values: {@code OnnxModel.forwardBytesPerImage}. */
final class ForwardMemory {

    private ForwardMemory() {
    }

    /**
     * The bytes of every value the graph computes from its inputs, at the inferred shapes, divided by the batch the
     * shapes were inferred for (rounded up); -1 when a value's shape is still open (the data decides it).
     */
    static long bytesPerImage(Shapes shapes, long batch) {
        Graph g = shapes.graph();
        Set<String> computed = Layers.inputDependent(g);
        long total = 0;
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) {
                if (o.isEmpty() || !computed.contains(o)) {
                    continue;
                }
                ValueType t = shapes.type(o);
                if (t == null || !t.hasRank() || !t.isStatic()) {
                    return -1;
                }
                long elements = 1;
                for (long d : t.dims()) {
                    elements = Math.multiplyExact(elements, d);
                }
                total = Math.addExact(total, Math.multiplyExact(elements, ElementType.byteSize(t.elemType())));
            }
        }
        return (total + batch - 1) / batch;
    }
}
