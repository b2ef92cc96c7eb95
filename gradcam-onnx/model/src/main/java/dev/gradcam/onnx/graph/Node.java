package dev.gradcam.onnx.graph;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.util.List;

/**
 * One operator application in a {@link Graph}: a read-only view of a {@link NodeProto} with typed attribute access.
 * Optional inputs that are absent are empty names, as in ONNX. Immutable and thread-safe.
 */
public final class Node {

    private final NodeProto proto;
    private final int index;

    Node(NodeProto proto, int index) {
        this.proto = InvalidArgumentException.requireNonNull(proto, "proto");
        this.index = index;
    }

    /** A view of a node outside any graph (index -1), for checks that run before a {@link Graph} exists. */
    public static Node view(NodeProto proto) {
        return new Node(proto, -1);
    }

    /** The underlying protobuf message. */
    public NodeProto proto() {
        return proto;
    }

    /** Position in the graph's topological order. */
    public int index() {
        return index;
    }

    /** The node's name as stored; may be empty. */
    public String name() {
        return proto.getName();
    }

    /** The name, or the first output's name for an unnamed node: always something a user can find. */
    public String label() {
        if (!proto.getName().isEmpty()) {
            return proto.getName();
        }
        return proto.getOutputCount() > 0 ? proto.getOutput(0) : "#" + index;
    }

    public String opType() {
        return proto.getOpType();
    }

    public String domain() {
        return proto.getDomain();
    }

    public List<String> inputs() {
        return proto.getInputList();
    }

    public List<String> outputs() {
        return proto.getOutputList();
    }

    /** Input {@code i}, or the empty string when absent. */
    public String input(int i) {
        return i < proto.getInputCount() ? proto.getInput(i) : "";
    }

    /** True if input {@code i} is given (present and not an empty name). */
    public boolean hasInput(int i) {
        return !input(i).isEmpty();
    }

    /** Output {@code i}, or the empty string when absent. */
    public String output(int i) {
        return i < proto.getOutputCount() ? proto.getOutput(i) : "";
    }

    /** The attribute, or null. */
    public AttributeProto attribute(String name) {
        for (AttributeProto a : proto.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a;
            }
        }
        return null;
    }

    public boolean hasAttribute(String name) {
        return attribute(name) != null;
    }

    public long attrInt(String name, long fallback) {
        AttributeProto a = attribute(name);
        return a == null ? fallback : a.getI();
    }

    public float attrFloat(String name, float fallback) {
        AttributeProto a = attribute(name);
        return a == null ? fallback : a.getF();
    }

    public String attrString(String name, String fallback) {
        AttributeProto a = attribute(name);
        return a == null ? fallback : a.getS().toStringUtf8();
    }

    /** The ints attribute, or null when absent. */
    public long[] attrInts(String name) {
        AttributeProto a = attribute(name);
        if (a == null) {
            return null;
        }
        long[] v = new long[a.getIntsCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getInts(i);
        }
        return v;
    }

    /** The floats attribute, or null when absent. */
    public float[] attrFloats(String name) {
        AttributeProto a = attribute(name);
        if (a == null) {
            return null;
        }
        float[] v = new float[a.getFloatsCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = a.getFloats(i);
        }
        return v;
    }

    /** The tensor attribute, or null. */
    public TensorProto attrTensor(String name) {
        AttributeProto a = attribute(name);
        return a == null || !a.hasT() ? null : a.getT();
    }

    /** Like {@code Conv 'conv1' (#3)}. */
    @Override
    public String toString() {
        return opType() + " '" + label() + "'";
    }
}
