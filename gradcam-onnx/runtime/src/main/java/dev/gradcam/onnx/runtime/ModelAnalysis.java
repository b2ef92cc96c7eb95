package dev.gradcam.onnx.runtime;

import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Layers;
import dev.gradcam.onnx.graph.LayoutDetector;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import dev.gradcam.onnx.validate.ModelValidator;
import dev.gradcam.onnx.validate.OperatorRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A model checked and analysed: validated before anything else reads it (some invalid models crash ONNX Runtime),
 * its graph, shapes as declared, candidate layers and FullGrad's bias layers, and what {@link OnnxModel} shows of it
 * ({@link #summary}). Immutable.
 */
final class ModelAnalysis {

    private final Graph graph;
    private final Shapes declared;
    private final Map<String, FloatTensor> biasLayers;
    private final ModelSummary summary;

    /**
     * @throws dev.gradcam.api.GradCamException subtypes for invalid or unsupported models, as {@link OnnxModel#load}
     */
    ModelAnalysis(ModelProto model, String source) {
        ModelValidator.validate(model, source);
        this.graph = Graph.of(model);
        for (ValueInfoProto in : graph.inputs()) {
            int inputType = Graph.typeOf(in).elemType();
            if (inputType != ElementType.FLOAT && inputType != ElementType.DOUBLE) {
                throw new ModelLoadException(source + ": input '" + in.getName() + "' is "
                        + ElementType.name(inputType) + "; gradcam feeds float32 or float64 inputs. Export or convert "
                        + "the model with float32 inputs (a float16 model can keep float16 inside, after a Cast)");
            }
        }
        boolean unbatched = graph.inputs().size() == 1
                && Unbatched.lacksBatchAxis(Graph.typeOf(graph.inputs().get(0)).toShape());
        int fixedBatch = fixedBatch(graph, unbatched);
        boolean batchAxis = graph.inputs().size() == 1 && !unbatched && fixedBatch == 0
                && Graph.typeOf(graph.inputs().get(0)).rank() >= 1 && Graph.typeOf(graph.inputs().get(0)).dim(0) < 0;
        this.declared = ShapeInference.inferDeclared(graph);
        OperatorRules.check(graph, declared, source);
        List<LayerInfo> layers = Layers.list(declared);
        this.biasLayers = BiasLayers.of(declared);
        // A model without a batch axis is shown with one: the API always passes batches.
        List<ValueInfo> inputs = graph.inputs().stream().map(v -> {
            ValueInfo i = info(v.getName(), Graph.typeOf(v));
            return unbatched ? new ValueInfo(i.name(), i.shape().prepend(1), i.elementType()) : i;
        }).toList();
        List<ValueInfo> outputs = graph.outputs().stream().map(v -> info(v.getName(), outputType(v))).toList();
        this.summary = new ModelSummary(inputs, outputs, layers, null, List.copyOf(biasLayers.keySet()), unbatched,
                fixedBatch, batchAxis, graph.opset(),
                graph.model().getProducerName() + " " + graph.model().getProducerVersion(), Map.of());
    }

    Graph graph() {
        return graph;
    }

    /** Shape inference without input shapes: the shapes the model declares and what follows from them. */
    Shapes declared() {
        return declared;
    }

    /** FullGrad's bias layers and their effective biases ({@link BiasLayers}). */
    Map<String, FloatTensor> biasLayers() {
        return biasLayers;
    }

    /** What the model shows of itself; without layouts ({@link #layout} computes one when asked). */
    ModelSummary summary() {
        return summary;
    }

    /** The summary with every layer's layout, as stored in the compile cache. */
    ModelSummary summaryWithLayouts() {
        List<LayerLayout> layouts = new ArrayList<>(summary.layers().size());
        for (LayerInfo l : summary.layers()) {
            layouts.add(layout(l));
        }
        return new ModelSummary(summary.inputs(), summary.outputs(), summary.layers(), layouts, summary.biasLayers(),
                summary.unbatched(), summary.fixedBatch(), summary.batchAxis(), summary.opset(), summary.producer(),
                summary.staticShapes());
    }

    /** Detected from the graph ({@link LayoutDetector}): the nearest layout evidence upstream of the layer. */
    LayerLayout layout(LayerInfo layer) {
        return LayoutDetector.detect(declared, layer, summary.layers());
    }

    private static int fixedBatch(Graph graph, boolean unbatched) {
        if (unbatched || graph.inputs().size() != 1) {
            return 0;
        }
        ValueType t = Graph.typeOf(graph.inputs().get(0));
        // Image (4-D) and volume (5-D) inputs only: there the leading axis is the batch.
        return t.hasRank() && t.rank() >= 4 && t.dim(0) > 0 && t.dim(0) <= Integer.MAX_VALUE ? (int) t.dim(0) : 0;
    }

    private ValueType outputType(ValueInfoProto v) {
        ValueType t = declared.type(v.getName());
        return t != null ? t : Graph.typeOf(v);
    }

    private static ValueInfo info(String name, ValueType t) {
        return new ValueInfo(name, t.toShape(), ElementType.name(t.elemType()));
    }
}
