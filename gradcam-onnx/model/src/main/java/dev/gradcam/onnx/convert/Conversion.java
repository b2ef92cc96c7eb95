package dev.gradcam.onnx.convert;

import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What adapters need while one graph is converted: new constants (added as initializers under fresh names), the
 * element type of a value, and whether an output is read. Not thread-safe; one per conversion.
 */
final class Conversion {

    private final Map<String, Integer> elemTypes;
    private final Map<String, Integer> ranks;
    private final Set<String> read;
    private final Set<String> names = new HashSet<>();
    private final List<TensorProto> added = new ArrayList<>();
    private int next;

    Conversion(Map<String, Integer> elemTypes, Map<String, Integer> ranks, Set<String> read, Set<String> usedNames) {
        this.elemTypes = elemTypes;
        this.ranks = ranks;
        this.read = read;
        this.names.addAll(usedNames);
    }

    /** A fresh value name derived from a node's name. */
    String fresh(NodeProto n, String what) {
        String base = "gradcam/opset/" + (n.getName().isEmpty() ? n.getOutput(0) : n.getName()) + "/" + what;
        String name = base;
        while (!names.add(name)) {
            name = base + "_" + ++next;
        }
        return name;
    }

    /** A new int64 constant of dims {@code [values.length]}; returns its name. */
    String longs(NodeProto n, String what, long... values) {
        String name = fresh(n, what);
        added.add(Tensors.ofLongs(name, values));
        return name;
    }

    /** A new scalar or 1-D constant of {@code elemType} (float32 or float64); returns its name. */
    String reals(NodeProto n, String what, int elemType, long[] dims, double... values) {
        String name = fresh(n, what);
        added.add(Tensors.ofReal(name, elemType == ElementType.DOUBLE ? ElementType.DOUBLE : ElementType.FLOAT, dims,
                values));
        return name;
    }

    /** The element type of a value, float32 when unknown (the only type most old exports use). */
    int elemType(String value) {
        return elemTypes.getOrDefault(value, ElementType.FLOAT);
    }

    /** The rank of a value, or -1 when unknown. */
    int rank(String value) {
        return ranks.getOrDefault(value, -1);
    }

    /** True if a node or a graph output reads the value. */
    boolean isRead(String value) {
        return !value.isEmpty() && read.contains(value);
    }

    List<TensorProto> added() {
        return added;
    }

    static UnsupportedOperatorException refuse(NodeProto n, int version, String why) {
        return new UnsupportedOperatorException(n.getOpType(), Node.view(n).label(), "cannot convert it to opset "
                + version + ": " + why + ". Re-export the model at opset " + version + " or later");
    }

    /** The node without the named attributes. */
    static NodeProto.Builder without(NodeProto n, String... attrs) {
        NodeProto.Builder b = n.toBuilder().clearAttribute();
        for (AttributeProto a : n.getAttributeList()) {
            if (!List.of(attrs).contains(a.getName())) {
                b.addAttribute(a);
            }
        }
        return b;
    }

    static AttributeProto attr(NodeProto n, String name) {
        for (AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    static AttributeProto stringAttr(String name, String value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING)
                .setS(com.google.protobuf.ByteString.copyFromUtf8(value)).build();
    }

    static AttributeProto intAttr(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    static long[] ints(AttributeProto a) {
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getInts(i);
        }
        return v;
    }
}
