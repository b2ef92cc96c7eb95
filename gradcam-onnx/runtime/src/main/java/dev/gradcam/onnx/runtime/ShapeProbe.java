package dev.gradcam.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.gradcam.api.BackendExecutionException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Learns the dims that only the data decides (how many boxes a detector keeps after its score threshold and NMS) by
 * running the model once with those values as extra outputs. Two-stage detectors such as torchvision's Faster R-CNN
 * score a data-dependent number of proposals; with the dims of one run the graph is specialised
 * ({@link dev.gradcam.onnx.graph.ShapeInference#infer(Graph, Map, Map)}) and differentiated like any other. One session
 * per input shape; thread-safe, as ONNX Runtime sessions are.
 */
final class ShapeProbe implements AutoCloseable {

    private final OrtSession session;
    private final List<String> values;
    private final Map<String, Integer> inputTypes;

    private ShapeProbe(OrtSession session, List<String> values, Map<String, Integer> inputTypes) {
        this.session = session;
        this.values = values;
        this.inputTypes = inputTypes;
    }

    /** Values of the main graph whose dims {@code shapes} leaves open (none: no probe is needed). */
    static List<String> openValues(Graph graph, Shapes shapes) {
        List<String> open = new ArrayList<>();
        for (Node n : graph.nodes()) {
            for (String o : n.outputs()) {
                ValueType t = o.isEmpty() ? null : shapes.type(o);
                if (!o.isEmpty() && (t == null || !t.hasRank() || !t.isStatic())) {
                    open.add(o);
                }
            }
        }
        return open;
    }

    /** A session of the model that also returns {@code values}. */
    static ShapeProbe create(OrtEnvironment env, OrtSession.SessionOptions options, Graph graph, List<String> values)
            throws OrtException {
        ModelProto.Builder m = graph.model().toBuilder();
        var existing = new LinkedHashSet<String>();
        for (ValueInfoProto o : m.getGraph().getOutputList()) {
            existing.add(o.getName());
        }
        for (String v : values) {
            if (!existing.contains(v)) {
                m.getGraphBuilder().addOutput(ValueInfoProto.newBuilder().setName(v));
            }
        }
        Map<String, Integer> types = new HashMap<>();
        for (ValueInfoProto in : graph.inputs()) {
            types.put(in.getName(), Graph.typeOf(in).elemType());
        }
        return new ShapeProbe(env.createSession(m.build().toByteArray(), options), List.copyOf(values), types);
    }

    /** The type of every probed value in one run on {@code feeds}, in the probe's value order. */
    Map<String, ValueType> observe(OrtEnvironment env, Map<String, FloatTensor> feeds) {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            for (Map.Entry<String, FloatTensor> f : feeds.entrySet()) {
                in.put(f.getKey(), Variant.toOrt(env, f.getValue(), inputTypes.getOrDefault(f.getKey(),
                        ElementType.FLOAT)));
            }
            Map<String, ValueType> seen = new LinkedHashMap<>();
            try (OrtSession.Result r = session.run(in, new LinkedHashSet<>(values))) {
                for (String v : values) {
                    OnnxValue value = r.get(v).orElse(null);
                    if (value instanceof OnnxTensor t) {
                        TensorInfo info = t.getInfo();
                        seen.put(v, ValueType.of(elementType(info), info.getShape()));
                    }
                }
            }
            return seen;
        } catch (OrtException e) {
            throw new BackendExecutionException("running the model to learn its data-dependent shapes failed: "
                    + e.getMessage(), e);
        } finally {
            for (OnnxTensor t : in.values()) {
                t.close();
            }
        }
    }

    /** The ONNX element type of a result (ONNX Runtime's Java enum does not number them as ONNX does). */
    private static int elementType(TensorInfo info) {
        return switch (info.type) {
            case FLOAT -> switch (info.onnxType) {
                case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16 -> ElementType.FLOAT16;
                case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16 -> ElementType.BFLOAT16;
                default -> ElementType.FLOAT;
            };
            case DOUBLE -> ElementType.DOUBLE;
            case INT8 -> ElementType.INT8;
            case UINT8 -> ElementType.UINT8;
            case INT16 -> ElementType.INT16;
            case INT32 -> ElementType.INT32;
            case INT64 -> ElementType.INT64;
            case BOOL -> ElementType.BOOL;
            case STRING -> ElementType.STRING;
            default -> ElementType.UNDEFINED;
        };
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // closing a session does not fail in practice; nothing to recover
        }
    }
}
