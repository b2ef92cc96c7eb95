package dev.gradcam.onnx.grad;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Layers;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Cuts out the head of a model: the nodes after a layer, with the layer as the new input (its batch axis left free),
 * so that ablation-style methods can run many modified activations through the tail without the backbone.
 */
public final class HeadCompiler {

    private HeadCompiler() {
    }

    /**
     * Builds the head model.
     *
     * @param shapes shapes at the model's declared input (for the layer's per-image dims)
     * @param layer  the value the head starts from
     * @param output the value the head computes
     * @throws InvalidInputException if the head also needs a value computed before the layer (a skip connection
     *     around it), naming that value
     */
    public static CompiledGraph compile(Shapes shapes, String layer, String output) {
        return compile(shapes, layer, output, false);
    }

    /**
     * Builds the head model; with {@code withInput}, values the head reads that are computed before the layer (skip
     * connections around it, as in every transformer block) are recomputed from the model input, which becomes a
     * second input of the head graph (only when such a value exists).
     *
     * @throws InvalidInputException without {@code withInput}, if the head needs a value computed before the layer
     */
    public static CompiledGraph compile(Shapes shapes, String layer, String output, boolean withInput) {
        Graph g = shapes.graph();
        Set<String> dependent = Layers.inputDependent(g);
        if (!dependent.contains(layer)) {
            throw new InvalidInputException("'" + layer + "' is not a layer computed from the model input");
        }
        Set<String> fromLayer = new HashSet<>();
        fromLayer.add(layer);
        for (Node n : g.nodes()) {
            for (String in : n.inputs()) {
                if (fromLayer.contains(in)) {
                    fromLayer.addAll(n.outputs());
                    break;
                }
            }
        }
        if (!fromLayer.contains(output)) {
            throw new InvalidInputException("the output '" + output + "' does not depend on layer '" + layer + "'");
        }
        // Walk back from the output to the layer; every input-dependent value met on the way must come from the layer.
        Set<String> needed = new HashSet<>();
        needed.add(output);
        List<Node> nodes = g.nodes();
        List<NodeProto> head = new ArrayList<>();
        for (int i = nodes.size() - 1; i >= 0; i--) {
            Node n = nodes.get(i);
            boolean useful = false;
            for (String o : n.outputs()) {
                useful |= needed.contains(o) && !o.equals(layer);
            }
            if (!useful) {
                continue;
            }
            for (String in : n.inputs()) {
                if (in.isEmpty() || in.equals(layer)) {
                    continue;
                }
                if (dependent.contains(in) && !fromLayer.contains(in) && !withInput) {
                    throw new InvalidInputException("the part of the model after '" + layer + "' also reads '" + in
                            + "' (at node '" + n.label() + "'), which is computed before that layer: a skip "
                            + "connection goes around it, so the head cannot run from the layer alone. Choose a "
                            + "layer after the branches merge");
                }
                needed.add(in);
            }
            head.add(0, n.proto());
        }
        ValueType lt = shapes.type(layer);
        ValueType free = lt != null && lt.hasRank() ? freeBatch(lt) : lt;
        ValueType ot = shapes.type(output);
        List<ValueInfoProto> inputs = new ArrayList<>(List.of(GraphAssembler.valueInfo(layer, free)));
        String modelInput = g.inputs().get(0).getName();
        if (needed.contains(modelInput)) {
            inputs.add(GraphAssembler.valueInfo(modelInput, freeBatch(shapes.type(modelInput))));
        }
        List<ValueInfoProto> outputs = List.of(GraphAssembler.valueInfo(output,
                ot != null && ot.hasRank() ? freeBatch(ot) : ot));
        var model = GraphAssembler.assemble(g, head, new ArrayList<>(g.initializers().values()), inputs, outputs);
        return new CompiledGraph(model, layer, null, output, java.util.Map.of(), java.util.Map.of(), null, null);
    }

    private static ValueType freeBatch(ValueType t) {
        long[] d = t.dims();
        if (d.length > 0) {
            d[0] = -1;
        }
        return ValueType.of(t.elemType(), d);
    }
}
