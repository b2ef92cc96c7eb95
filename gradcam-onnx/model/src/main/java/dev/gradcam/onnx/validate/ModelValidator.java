package dev.gradcam.onnx.validate;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidModelException;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.model.TensorCheck;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.TensorShapeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Refuses invalid models before the gradient compiler or ONNX Runtime sees them (ONNX Runtime crashes the JVM on some
 * invalid models, e.g. a Constant whose {@code value} attribute is not a tensor). Checks what needs no shapes:
 * <ul>
 *   <li>graph well-formedness: at least one output, every output and every node input defined by a graph input, an
 *       initializer or an earlier node, every value defined once, unique node names, no cycles (by
 *       {@link dev.gradcam.onnx.graph.Graph});</li>
 *   <li>types: inputs are tensors of a known element type without empty dims, stored tensors have data that matches
 *       their dims (overflow-safe), attribute types of the operators gradcam knows;</li>
 *   <li>attribute ranges that do not depend on shapes ({@link OperatorRules#checkStatic}).</li>
 * </ul>
 * Shape-dependent rules (ranks, group vs channels, kernels that fit) run once shapes are inferred, see
 * {@link OperatorRules#check}. Stateless and thread-safe.
 */
public final class ModelValidator {

    private ModelValidator() {
    }

    /**
     * Validates a model.
     *
     * @param source where the model came from, for messages
     * @throws InvalidModelException naming the node, attribute or tensor, and what would be valid
     */
    public static void validate(ModelProto model, String source) {
        InvalidArgumentException.requireNonNull(model, "model");
        OnnxFormat.checkSupported(model, source);
        GraphProto g = model.getGraph();
        int opset = OnnxFormat.opset(model);
        String in = " in " + source;
        if (g.getOutputCount() == 0) {
            throw new InvalidModelException("the graph" + in + " has no outputs; a model needs at least one");
        }
        Set<String> defined = new HashSet<>();
        Set<String> initializers = new HashSet<>();
        for (TensorProto t : g.getInitializerList()) {
            String where = "initializer '" + t.getName() + "'" + in;
            if (t.getName().isEmpty()) {
                throw new InvalidModelException("an initializer" + in + " has no name");
            }
            if (!initializers.add(t.getName())) {
                throw new InvalidModelException(where + " is defined twice");
            }
            TensorCheck.check(t, where);
            defined.add(t.getName());
        }
        Set<String> inputNames = new HashSet<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!inputNames.add(v.getName())) {
                throw new InvalidModelException("graph input '" + v.getName() + "'" + in + " is listed twice");
            }
            if (!initializers.contains(v.getName())) {
                checkInput(v, in);
            }
            defined.add(v.getName());
        }
        Map<String, String> producer = new HashMap<>();
        Set<String> nodeNames = new HashSet<>();
        for (int i = 0; i < g.getNodeCount(); i++) {
            NodeProto n = g.getNode(i);
            String node = describe(n, i) + in;
            if (n.getOpType().isEmpty()) {
                throw new InvalidModelException("node #" + i + in + " has no operator type");
            }
            if (!n.getName().isEmpty() && !nodeNames.add(n.getName())) {
                throw new InvalidModelException(node + ": another node has the same name; node names must be unique");
            }
            if (n.getOutputList().stream().allMatch(String::isEmpty)) {
                throw new InvalidModelException(node + " has no outputs");
            }
            for (String o : n.getOutputList()) {
                if (o.isEmpty()) {
                    continue;
                }
                if (defined.contains(o) && !producer.containsKey(o)) {
                    throw new InvalidModelException(node + " writes '" + o + "', which is already a graph input or "
                            + "initializer; every value must be defined once");
                }
                String other = producer.putIfAbsent(o, node);
                if (other != null) {
                    throw new InvalidModelException(node + " writes '" + o + "', which " + other + " also writes; "
                            + "every value must be defined once");
                }
            }
            Set<String> attrs = new HashSet<>();
            for (AttributeProto a : n.getAttributeList()) {
                if (!attrs.add(a.getName())) {
                    throw new InvalidModelException(node + " has attribute '" + a.getName() + "' twice");
                }
            }
            if (OnnxFormat.isDefaultDomain(n.getDomain())) {
                Arity.check(n, node, opset);
                AttributeTypes.check(n, node);
                OperatorRules.checkStatic(n, node);
            }
        }
        for (NodeProto n : g.getNodeList()) {
            for (String i : n.getInputList()) {
                if (!i.isEmpty() && !defined.contains(i) && !producer.containsKey(i)) {
                    throw new InvalidModelException(describe(n, g.getNodeList().indexOf(n)) + in + " reads '" + i
                            + "', which no node, graph input or initializer defines");
                }
            }
        }
        for (ValueInfoProto o : g.getOutputList()) {
            if (!defined.contains(o.getName()) && !producer.containsKey(o.getName())) {
                throw new InvalidModelException("graph output '" + o.getName() + "'" + in + " is not computed by any "
                        + "node, nor a graph input or initializer");
            }
        }
    }

    private static void checkInput(ValueInfoProto v, String in) {
        String where = "graph input '" + v.getName() + "'" + in;
        if (!v.hasType() || !v.getType().hasTensorType()) {
            throw new InvalidModelException(where + " is not a tensor; gradcam explains models with a tensor input");
        }
        int type = v.getType().getTensorType().getElemType();
        if (type <= ElementType.UNDEFINED || type > 23) {
            throw new InvalidModelException(where + " has element type " + type + ", which is not an ONNX type");
        }
        if (v.getType().getTensorType().hasShape()) {
            List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
            for (int d = 0; d < dims.size(); d++) {
                // Negative sizes are how some exporters (PaddlePaddle) spell a dynamic dim; zero is an empty input.
                if (dims.get(d).hasDimValue() && dims.get(d).getDimValue() == 0) {
                    throw new InvalidModelException(where + " declares dim " + d + " as 0; fixed dims must be >= 1 "
                            + "(leave a dim symbolic, or -1, to make it dynamic)");
                }
            }
        }
    }

    /** Like {@code Conv '/layer1/conv1/Conv'} or {@code Conv node #3} for an unnamed node. */
    static String describe(NodeProto n, int index) {
        return n.getOpType() + (n.getName().isEmpty() ? " node #" + index : " '" + n.getName() + "'");
    }
}
