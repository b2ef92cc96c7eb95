package dev.gradcam.onnx.convert;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.OperatorSetIdProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Upgrades a model's default-domain opset, one version at a time, with an adapter for every operator whose signature
 * or meaning changed at that version (the approach of ONNX's own version converter); operators without an adapter
 * mean the same at both versions (type additions, negative axes, new optional attributes with the old default).
 * Value and node names are kept, so layers, taps and outputs of the converted model are those of the original.
 * Stateless and thread-safe.
 *
 * <p>Covered, from opset 7: Upsample-7 scales attribute to input (9), BatchNormalization {@code spatial} (9), Upsample
 * to Resize, Slice and TopK attributes to inputs (10), Resize-10 to 11 (asymmetric coordinates, floor nearest), Pad
 * and Clip attributes to inputs, Scatter to ScatterElements (11), Dropout ratio to input or Identity (12), Squeeze,
 * Unsqueeze, ReduceSum and Split attributes to inputs, Softmax/LogSoftmax/Hardmax coercion semantics (13),
 * BatchNormalization training outputs (14), RoiAlign's coordinate mode (16). MaxPool and AveragePool gained only
 * optional attributes whose defaults keep the old meaning (ceil_mode and dilations at 10, storage_order at 8).
 */
public final class OpsetConverter {

    /** The opset models are upgraded to: the newest whose backward forms every rule supports. */
    public static final int TARGET = 17;

    /** Oldest opset the adapters start from. */
    public static final int OLDEST = 7;

    private static final Map<Integer, Map<String, OpsetAdapter>> ADAPTERS = adapters();

    private OpsetConverter() {
    }

    /**
     * The model at opset {@code target}: a model already there (or newer) is returned as it is.
     *
     * @throws UnsupportedOperatorException naming the node whose operator cannot be converted, and why
     */
    public static ModelProto upgrade(ModelProto model, int target) {
        InvalidArgumentException.requireNonNull(model, "model");
        int from = OnnxFormat.opset(model);
        if (from >= target) {
            return model;
        }
        if (from < OLDEST) {
            throw new UnsupportedOperatorException("(opset " + from + ")", "the model", "opset conversion starts at "
                    + "opset " + OLDEST);
        }
        GraphProto g = model.getGraph();
        for (NodeProto n : g.getNodeList()) {
            for (AttributeProto a : n.getAttributeList()) {
                if (a.hasG() || a.getGraphsCount() > 0) {
                    throw new UnsupportedOperatorException(n.getOpType(), dev.gradcam.onnx.graph.Node.view(n).label(),
                            "a node with a subgraph cannot be converted to a newer opset; re-export the model at "
                                    + "opset " + target + " or later");
                }
            }
        }
        Map<String, Integer> elemTypes = new HashMap<>();
        Map<String, Integer> ranks = new HashMap<>();
        typesOf(model, elemTypes, ranks);
        Set<String> read = new HashSet<>();
        Set<String> names = new HashSet<>();
        for (ValueInfoProto o : g.getOutputList()) {
            read.add(o.getName());
        }
        for (NodeProto n : g.getNodeList()) {
            read.addAll(n.getInputList());
            names.addAll(n.getOutputList());
        }
        for (TensorProto t : g.getInitializerList()) {
            names.add(t.getName());
        }
        for (ValueInfoProto v : g.getInputList()) {
            names.add(v.getName());
        }
        Conversion c = new Conversion(elemTypes, ranks, read, names);
        List<NodeProto> nodes = g.getNodeList();
        for (int v = from + 1; v <= target; v++) {
            Map<String, OpsetAdapter> step = ADAPTERS.getOrDefault(v, Map.of());
            if (step.isEmpty()) {
                continue;
            }
            List<NodeProto> next = new java.util.ArrayList<>(nodes.size());
            for (NodeProto n : nodes) {
                OpsetAdapter a = OnnxFormat.isDefaultDomain(n.getDomain()) ? step.get(n.getOpType()) : null;
                if (a == null) {
                    next.add(n);
                    continue;
                }
                try {
                    next.addAll(a.adapt(n, c));
                } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
                    // A node the validator let through that has not the old form's inputs or attribute values.
                    throw Conversion.refuse(n, v, "its inputs or attributes do not have the form of opset " + (v - 1)
                            + " (" + e.getMessage() + ")");
                }
            }
            nodes = next;
        }
        GraphProto.Builder gb = g.toBuilder().clearNode().addAllNode(nodes).addAllInitializer(c.added());
        ModelProto.Builder mb = model.toBuilder().setGraph(gb).clearOpsetImport();
        for (OperatorSetIdProto o : model.getOpsetImportList()) {
            mb.addOpsetImport(OnnxFormat.isDefaultDomain(o.getDomain()) ? o.toBuilder().setVersion(target).build() : o);
        }
        if (model.getOpsetImportCount() == 0) {
            mb.addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(target));
        }
        return mb.build();
    }

    /** Element types and ranks the adapters may need; best effort (shape rules may not know an old form). */
    private static void typesOf(ModelProto model, Map<String, Integer> elemTypes, Map<String, Integer> ranks) {
        try {
            Shapes s = ShapeInference.inferDeclared(Graph.of(model));
            for (NodeProto n : model.getGraph().getNodeList()) {
                for (String v : n.getInputList()) {
                    ValueType t = v.isEmpty() ? null : s.type(v);
                    if (t != null) {
                        elemTypes.put(v, t.elemType());
                        if (t.hasRank()) {
                            ranks.put(v, t.rank());
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            // Adapters fall back to float32 and to the rank-free form of the Softmax family.
        }
    }

    private static Map<Integer, Map<String, OpsetAdapter>> adapters() {
        Map<Integer, Map<String, OpsetAdapter>> m = new HashMap<>();
        m.put(9, Map.of(
                "Upsample", InputMoves::upsampleScales,
                "BatchNormalization", SemanticAdapters::batchNorm7To9));
        m.put(10, Map.of(
                "Upsample", SemanticAdapters::upsampleToResize,
                "Slice", InputMoves.ints("starts", "ends", "axes"),
                "TopK", InputMoves::topK));
        m.put(11, Map.of(
                "Resize", SemanticAdapters::resize10To11,
                "Pad", InputMoves::pad,
                "Clip", InputMoves::clip,
                "Scatter", SemanticAdapters::scatter));
        m.put(12, Map.of("Dropout", SemanticAdapters::dropout));
        m.put(13, Map.of(
                "Squeeze", InputMoves.ints("axes"),
                "Unsqueeze", InputMoves.ints("axes"),
                "ReduceSum", InputMoves.ints("axes"),
                "Split", InputMoves.ints("split"),
                "Softmax", SemanticAdapters::softmaxFamily,
                "LogSoftmax", SemanticAdapters::softmaxFamily,
                "Hardmax", SemanticAdapters::softmaxFamily));
        m.put(14, Map.of("BatchNormalization", SemanticAdapters::batchNorm9To14));
        m.put(16, Map.of("RoiAlign", SemanticAdapters::roiAlign));
        return Map.copyOf(m);
    }
}
