package dev.gradcam.onnx.validate;

import dev.gradcam.api.InvalidModelException;
import dev.gradcam.onnx.model.TensorCheck;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.AttributeProto.AttributeType;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import java.util.Map;

/**
 * The attribute types of the default-domain operators gradcam infers shapes for and differentiates: an attribute
 * stored with another type (a Constant whose {@code value} holds ints, a Conv whose {@code strides} is a tensor)
 * crashes or misleads every consumer, so it is refused by name. Attributes not listed are left to ONNX Runtime.
 */
final class AttributeTypes {

    /** Types by attribute name, for every operator that has an attribute of that name, unless overridden below. */
    private static final Map<String, AttributeType> COMMON = Map.ofEntries(
            Map.entry("kernel_shape", AttributeType.INTS), Map.entry("strides", AttributeType.INTS),
            Map.entry("pads", AttributeType.INTS), Map.entry("dilations", AttributeType.INTS),
            Map.entry("output_padding", AttributeType.INTS), Map.entry("output_shape", AttributeType.INTS),
            Map.entry("perm", AttributeType.INTS), Map.entry("axes", AttributeType.INTS),
            Map.entry("starts", AttributeType.INTS), Map.entry("ends", AttributeType.INTS),
            Map.entry("split", AttributeType.INTS), Map.entry("group", AttributeType.INT),
            Map.entry("axis", AttributeType.INT), Map.entry("keepdims", AttributeType.INT),
            Map.entry("transA", AttributeType.INT), Map.entry("transB", AttributeType.INT),
            Map.entry("ceil_mode", AttributeType.INT), Map.entry("count_include_pad", AttributeType.INT),
            Map.entry("storage_order", AttributeType.INT), Map.entry("to", AttributeType.INT),
            Map.entry("select_last_index", AttributeType.INT), Map.entry("noop_with_empty_axes", AttributeType.INT),
            Map.entry("blocksize", AttributeType.INT), Map.entry("size", AttributeType.INT),
            Map.entry("largest", AttributeType.INT), Map.entry("sorted", AttributeType.INT),
            Map.entry("num_outputs", AttributeType.INT), Map.entry("training_mode", AttributeType.INT),
            Map.entry("alpha", AttributeType.FLOAT), Map.entry("beta", AttributeType.FLOAT),
            Map.entry("gamma", AttributeType.FLOAT), Map.entry("epsilon", AttributeType.FLOAT),
            Map.entry("momentum", AttributeType.FLOAT), Map.entry("lambd", AttributeType.FLOAT),
            Map.entry("ratio", AttributeType.FLOAT), Map.entry("auto_pad", AttributeType.STRING),
            Map.entry("mode", AttributeType.STRING), Map.entry("coordinate_transformation_mode", AttributeType.STRING),
            Map.entry("nearest_mode", AttributeType.STRING), Map.entry("approximate", AttributeType.STRING),
            Map.entry("cubic_coeff_a", AttributeType.FLOAT), Map.entry("extrapolation_value", AttributeType.FLOAT),
            Map.entry("value_float", AttributeType.FLOAT), Map.entry("value_floats", AttributeType.FLOATS),
            Map.entry("value_int", AttributeType.INT), Map.entry("value_ints", AttributeType.INTS),
            Map.entry("value_string", AttributeType.STRING), Map.entry("value_strings", AttributeType.STRINGS),
            Map.entry("sparse_value", AttributeType.SPARSE_TENSOR));

    private AttributeTypes() {
    }

    /** The expected type of {@code name} on {@code op}, or null when gradcam has no rule for it. */
    static AttributeType expected(String op, String name) {
        switch (name) {
            case "value" -> {
                return switch (op) {
                    case "Constant", "ConstantOfShape" -> AttributeType.TENSOR;
                    case "Pad" -> AttributeType.FLOAT;
                    default -> null;
                };
            }
            case "scales" -> {
                return op.equals("Upsample") ? AttributeType.FLOATS : null;
            }
            case "min", "max" -> {
                return op.equals("Clip") ? AttributeType.FLOAT : null;
            }
            case "bias" -> {
                return op.equals("LRN") ? AttributeType.FLOAT : null;
            }
            case "p" -> {
                return op.equals("LpPool") || op.equals("LpNormalization") ? AttributeType.INT : null;
            }
            case "size" -> {
                return op.equals("LRN") ? AttributeType.INT : null;
            }
            default -> {
                return COMMON.get(name);
            }
        }
    }

    /**
     * The type an attribute really has: its {@code type} field, or for files that leave it out (old exporters) the
     * field that holds a value.
     */
    static AttributeType actual(AttributeProto a) {
        if (a.hasType() && a.getType() != AttributeType.UNDEFINED) {
            return a.getType();
        }
        if (a.getIntsCount() > 0) {
            return AttributeType.INTS;
        }
        if (a.getFloatsCount() > 0) {
            return AttributeType.FLOATS;
        }
        if (a.getStringsCount() > 0) {
            return AttributeType.STRINGS;
        }
        if (a.hasT()) {
            return AttributeType.TENSOR;
        }
        if (a.hasS()) {
            return AttributeType.STRING;
        }
        if (a.hasF()) {
            return AttributeType.FLOAT;
        }
        if (a.hasI()) {
            return AttributeType.INT;
        }
        return AttributeType.UNDEFINED;
    }

    /** Checks every attribute of a default-domain node against the table; also that a TENSOR attribute holds one. */
    static void check(NodeProto n, String node) {
        for (AttributeProto a : n.getAttributeList()) {
            AttributeType have = actual(a);
            AttributeType want = expected(n.getOpType(), a.getName());
            if (want != null && have != want && !(want == AttributeType.INTS && have == AttributeType.UNDEFINED)) {
                throw new InvalidModelException(node + ": attribute '" + a.getName() + "' is " + have + "; "
                        + n.getOpType() + " needs " + want);
            }
            if (have == AttributeType.TENSOR) {
                if (!a.hasT()) {
                    throw new InvalidModelException(node + ": attribute '" + a.getName() + "' is declared TENSOR "
                            + "but holds no tensor");
                }
                TensorCheck.check(a.getT(), node + ", attribute '" + a.getName() + "'");
            }
        }
    }
}
