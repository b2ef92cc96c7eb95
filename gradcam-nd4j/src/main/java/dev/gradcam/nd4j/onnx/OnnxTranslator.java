package dev.gradcam.nd4j.onnx;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.onnx.convert.OpsetConverter;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Layers;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import dev.gradcam.onnx.validate.ModelValidator;
import dev.gradcam.onnx.validate.OperatorRules;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * Translates an ONNX model, read with the project's own ONNX reader, into a SameDiff graph node by node.
 *
 * <p>Values known before the model runs (weights, Constant nodes, folded shape arithmetic) are never translated as
 * ops: they become SameDiff constants where an op reads them. Gradients are then SameDiff's own, independent of the
 * ONNX backend's gradient compiler. Stateless.
 */
final class OnnxTranslator {

    /** Oldest opset whose operator forms the translator reads; older models are converted first. */
    private static final int MIN_OPSET = 9;

    private OnnxTranslator() {
    }

    /**
     * Translates {@code model}.
     *
     * @param inputShape a concrete input shape when the model leaves sizes beyond the batch open, or null
     * @throws UnsupportedOperatorException naming the first op, node and the supported ops when an op cannot be
     *                                      translated
     * @throws ModelLoadException           if the model's input is unusable
     * @throws dev.gradcam.api.InvalidModelException if the model is invalid ({@link ModelValidator})
     */
    static Translation translate(ModelProto model, long[] inputShape, String source) {
        // Before anything else reads the model: the same checks, and the same messages, as the ONNX Runtime backend.
        ModelValidator.validate(model, source);
        if (OnnxFormat.opset(model) < MIN_OPSET) {
            model = OpsetConverter.upgrade(model, OpsetConverter.TARGET);
        }
        Graph g = Graph.of(model);
        if (g.inputs().size() != 1) {
            throw new ModelLoadException("the ND4J backend translates models with one input; this one has "
                    + g.inputs().stream().map(ValueInfoProto::getName).toList());
        }
        ValueInfoProto in = g.inputs().get(0);
        long fixedBatch = Graph.typeOf(in).hasRank() && Graph.typeOf(in).rank() > 0 ? Graph.typeOf(in).dims()[0] : -1;
        if (fixedBatch > 0) {
            // SameDiff's placeholder leaves the batch axis open, so a file that fixes it is translated with it open:
            // any number of images then runs without the padding the ONNX Runtime backend needs.
            g = Graph.of(openBatch(model, in.getName()));
            in = g.inputs().get(0);
        }
        long[] dims = concreteDims(in, inputShape);
        Shapes one;
        Shapes two;
        try {
            one = ShapeInference.infer(g, Map.of(in.getName(), withBatch(dims, 1)));
            two = ShapeInference.infer(g, Map.of(in.getName(), withBatch(dims, 2)));
            OperatorRules.check(g, one, source);
        } catch (GradCamException e) {
            if (fixedBatch <= 0) {
                throw e;
            }
            throw new ModelLoadException("input '" + in.getName() + "' fixes the batch to " + fixedBatch + " and the "
                    + "graph depends on it (" + e.getMessage() + "); the ND4J backend needs a graph that runs at "
                    + "any batch size: export with a dynamic batch axis, or use the ONNX Runtime backend, which pads "
                    + "to the fixed batch", e);
        }
        SameDiff sd = SameDiff.create();
        TranslationContext ctx = new TranslationContext(sd, g, one, two);
        long[] placeholder = dims.clone();
        placeholder[0] = -1;
        ctx.define(in.getName(), sd.placeHolder(in.getName(), DataType.FLOAT, placeholder));
        for (Node n : g.nodes()) {
            if (folded(n, one)) {
                continue;
            }
            if (!OnnxFormat.isDefaultDomain(n.domain())) {
                throw new UnsupportedOperatorException(n.domain() + "." + n.opType(), n.label(),
                        "custom-domain operators have no SameDiff translation", OpTable.supported());
            }
            OpTranslator t = OpTable.get(n.opType());
            if (t == null) {
                throw new UnsupportedOperatorException(n.opType(), n.label(), "no SameDiff translation",
                        OpTable.supported());
            }
            try {
                t.translate(n, ctx);
            } catch (GradCamException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new UnsupportedOperatorException(n.opType(), n.label(), "translation failed: " + e.getMessage(),
                        OpTable.supported());
            }
        }
        List<String> outputs = new ArrayList<>();
        for (ValueInfoProto o : g.outputs()) {
            if (!ctx.isDefined(o.getName())) {
                throw new ModelLoadException("output '" + o.getName() + "' does not depend on input '" + in.getName()
                        + "'");
            }
            outputs.add(o.getName());
        }
        List<LayerInfo> layers = new ArrayList<>();
        for (LayerInfo l : Layers.list(one)) {
            if (ctx.isDefined(l.name()) && !l.name().equals(in.getName())) {
                layers.add(l);
            }
        }
        return new Translation(sd, in.getName(), List.copyOf(outputs), List.copyOf(layers), withBatch(dims, 1),
                g.opset(), java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(ctx.biasLayers())));
    }

    /** True if every output of {@code n} is known before the model runs (shape arithmetic, constants). */
    private static boolean folded(Node n, Shapes shapes) {
        for (String o : n.outputs()) {
            if (!o.isEmpty() && !shapes.isConstant(o)) {
                return false;
            }
        }
        return true;
    }

    private static long[] concreteDims(ValueInfoProto in, long[] given) {
        ValueType t = Graph.typeOf(in);
        if (!t.hasRank()) {
            throw new ModelLoadException("input '" + in.getName() + "' declares no shape; give one with the option "
                    + "inputShape, e.g. 1,3,224,224");
        }
        long[] d = given != null ? given.clone() : t.dims();
        if (d.length != t.rank()) {
            throw new ModelLoadException("inputShape " + Arrays.toString(given) + " does not have the rank of input '"
                    + in.getName() + "' " + t.toShape());
        }
        for (int i = 1; i < d.length; i++) {
            if (d[i] <= 0) {
                throw new ModelLoadException("input '" + in.getName() + "' has open sizes " + t.toShape()
                        + " beyond the batch axis; give a concrete shape with the option inputShape, e.g. 1,3,224,224");
            }
        }
        return d;
    }

    /** {@code model} with the batch axis of input {@code name} made symbolic. */
    private static ModelProto openBatch(ModelProto model, String name) {
        ModelProto.Builder b = model.toBuilder();
        for (ValueInfoProto.Builder v : b.getGraphBuilder().getInputBuilderList()) {
            if (v.getName().equals(name)) {
                v.getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(0).clearDimValue()
                        .setDimParam("batch");
            }
        }
        return b.build();
    }

    private static long[] withBatch(long[] dims, long batch) {
        long[] d = dims.clone();
        d[0] = batch;
        return d;
    }
}
