package dev.gradcam.nd4j.internal;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.UnknownOutputException;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * What a model says about itself, worked out once from its SameDiff graph: the input placeholder, the outputs, the
 * candidate layers and the shapes of every activation computed from the input.
 *
 * @param input      the input
 * @param inputType  the input placeholder's data type
 * @param outputs    the outputs; the first is explained by default
 * @param layers     candidate layers in topological order
 * @param shapes     shapes of all activations computed from the input alone (batch axis {@link Shape#DYNAMIC})
 * @param biases     the bias layers for FullGrad: output tensor to effective per-channel bias, in topological order
 */
public record GraphDescription(ValueInfo input, DataType inputType, List<ValueInfo> outputs, List<LayerInfo> layers,
                               Map<String, Shape> shapes, Map<String, FloatTensor> biases) {

    /**
     * Describes {@code sd}.
     *
     * @param inputName    the input placeholder, or null to take the only floating-point placeholder
     * @param outputNames  the outputs, or empty to infer them
     * @param probeShape   a static input shape for learning activation shapes, or null to use the placeholder's
     *                     (with batch 1)
     * @param described    candidate layers named by the caller (e.g. after ONNX nodes), or null to list every
     *                     activation; their shapes are replaced by the learnt ones
     * @param biases       bias layers named by the caller (output tensor to bias), or null to find convolution biases
     * @throws ModelLoadException if the input or outputs cannot be determined
     */
    public static GraphDescription of(SameDiff sd, String inputName, List<String> outputNames, long[] probeShape,
                                      List<LayerInfo> described, Map<String, FloatTensor> biases) {
        GraphTopology topo = new GraphTopology(sd);
        String input = chooseInput(sd, topo, inputName);
        SDVariable in = sd.getVariable(input);
        long[] declared = in.getShape();
        long[] probe = probeShape(input, declared, probeShape);
        List<String> computed = new ArrayList<>();
        for (String v : topo.activations()) {
            if (topo.placeholdersOf(v).equals(Set.of(input))) {
                computed.add(v);
            }
        }
        List<String> outs = chooseOutputs(sd, topo, input, outputNames, computed);
        Map<String, Shape> shapes = ShapeProbe.probe(sd, input, in.dataType(), probe, computed);
        Shape inShape = declared != null ? Shape.of(declared) : Shape.of(probe).withDim(0, Shape.DYNAMIC);
        ValueInfo inputInfo = new ValueInfo(input, inShape, typeName(in.dataType()));
        List<ValueInfo> outputs = new ArrayList<>();
        for (String o : outs) {
            outputs.add(new ValueInfo(o, shapes.get(o), typeName(sd.getVariable(o).dataType())));
        }
        List<LayerInfo> layers = new ArrayList<>();
        if (described != null) {
            for (LayerInfo l : described) {
                Shape s = shapes.get(l.name());
                if (s == null) {
                    throw new ModelLoadException("layer '" + l.name() + "' is not an activation computed from input '"
                            + input + "' in this graph");
                }
                layers.add(new LayerInfo(l.name(), l.node(), l.op(), s));
            }
        } else {
            for (String v : computed) {
                String opName = topo.producer(v);
                SameDiffOp op = sd.getOps().get(opName);
                layers.add(new LayerInfo(v, opName, op.getOp().opName(), shapes.get(v)));
            }
        }
        Map<String, FloatTensor> found = biases != null ? biases : BiasLayers.find(sd, topo, computed);
        Map<String, FloatTensor> usable = new LinkedHashMap<>();
        for (Map.Entry<String, FloatTensor> e : found.entrySet()) {
            Shape s = shapes.get(e.getKey());
            // FullGrad's bias maps need [N, K, h, w] outputs whose K matches the bias.
            if (s != null && s.rank() == 4 && s.dim(1) == e.getValue().size()) {
                usable.put(e.getKey(), e.getValue());
            }
        }
        return new GraphDescription(inputInfo, in.dataType(), List.copyOf(outputs), List.copyOf(layers),
                Map.copyOf(shapes), Collections.unmodifiableMap(usable));
    }

    /** A name like {@code float32} for a data type, as models declare element types. */
    public static String typeName(DataType t) {
        return switch (t) {
            case FLOAT -> "float32";
            case DOUBLE -> "float64";
            case HALF -> "float16";
            case BFLOAT16 -> "bfloat16";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private static String chooseInput(SameDiff sd, GraphTopology topo, String inputName) {
        List<String> candidates = topo.floatPlaceholders();
        if (inputName != null) {
            SDVariable v = sd.getVariable(inputName);
            if (v == null || v.getVariableType() != VariableType.PLACEHOLDER) {
                throw new ModelLoadException("input '" + inputName + "' is not a placeholder of the graph; "
                        + "placeholders: " + candidates);
            }
            return inputName;
        }
        if (candidates.size() != 1) {
            throw new ModelLoadException("cannot tell the input: the graph has " + candidates.size()
                    + " floating-point placeholders " + candidates + "; name the input (SameDiffModel.builder(sd)"
                    + ".input(name), or the option input=NAME)");
        }
        return candidates.get(0);
    }

    private static long[] probeShape(String input, long[] declared, long[] given) {
        long[] p = given != null ? given.clone() : declared == null ? null : declared.clone();
        if (p == null) {
            throw new ModelLoadException("input '" + input + "' has no declared shape; give one, e.g. "
                    + "SameDiffModel.builder(sd).inputShape(1, 3, 224, 224)");
        }
        if (declared != null && (declared.length != p.length)) {
            throw new ModelLoadException("input shape " + Arrays.toString(p) + " has another rank than input '" + input
                    + "' " + Arrays.toString(declared));
        }
        if (p.length > 0 && p[0] < 0) {
            p[0] = 1;
        }
        for (long d : p) {
            if (d < 0) {
                throw new ModelLoadException("input '" + input + "' has unknown sizes " + Arrays.toString(p)
                        + " beyond the batch axis; give a concrete shape, e.g. SameDiffModel.builder(sd)"
                        + ".inputShape(1, 3, 224, 224)");
            }
        }
        return p;
    }

    private static List<String> chooseOutputs(SameDiff sd, GraphTopology topo, String input, List<String> named,
                                              List<String> computed) {
        if (!named.isEmpty()) {
            for (String o : named) {
                if (!computed.contains(o)) {
                    throw new ModelLoadException("output '" + o + "' is not a floating-point value computed from input '"
                            + input + "'; candidates: " + topo.finalActivations(input));
                }
            }
            return List.copyOf(named);
        }
        List<String> declared = sd.outputs();
        if (declared != null && !declared.isEmpty()) {
            List<String> usable = declared.stream().filter(computed::contains).toList();
            if (!usable.isEmpty()) {
                return usable;
            }
        }
        List<String> finals = topo.finalActivations(input);
        if (finals.isEmpty()) {
            throw new ModelLoadException("the graph computes nothing from input '" + input + "'");
        }
        return finals;
    }

    /** The default explained output. */
    public String defaultOutput() {
        return outputs.get(0).name();
    }

    /** Checks that {@code output} can be explained: a declared output or any activation. */
    public String checkOutput(String output) {
        if (!shapes.containsKey(output)) {
            throw new UnknownOutputException("unknown output '" + output + "'; outputs: "
                    + outputs.stream().map(ValueInfo::name).toList() + " (any activation computed from the input "
                    + "may be explained too)");
        }
        return output;
    }
}
