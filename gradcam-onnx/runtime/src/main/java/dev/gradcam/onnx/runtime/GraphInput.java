package dev.gradcam.onnx.runtime;

import dev.gradcam.onnx.grad.CompiledGraph;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.List;

/**
 * One input of a compiled graph as its session takes it. A compile-cache entry records these in plain text, so that
 * loading it needs no protobuf (whose classes take a fresh JVM 150 to 200 ms to load). Immutable.
 *
 * @param name        the input's name
 * @param elementType ONNX's element type code ({@link dev.gradcam.onnx.model.ElementType}): what feeds are converted
 *                    to
 * @param dims        its dims, -1 where open (the batch axis of a batch-symbolic graph)
 */
record GraphInput(String name, int elementType, List<Long> dims) {

    GraphInput {
        dims = List.copyOf(dims);
    }

    /** The inputs of a compiled graph's model, in order. */
    static List<GraphInput> of(CompiledGraph graph) {
        List<GraphInput> out = new ArrayList<>();
        for (ValueInfoProto in : graph.model().getGraph().getInputList()) {
            ValueType t = Graph.typeOf(in);
            List<Long> dims = new ArrayList<>();
            for (long d : t.dims()) {
                dims.add(d);
            }
            out.add(new GraphInput(in.getName(), t.elemType(), dims));
        }
        return List.copyOf(out);
    }
}
