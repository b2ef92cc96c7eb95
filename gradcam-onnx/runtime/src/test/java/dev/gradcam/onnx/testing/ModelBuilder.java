package dev.gradcam.onnx.testing;

import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.OperatorSetIdProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.TensorShapeProto;
import dev.gradcam.onnx.proto.Onnx.TypeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.List;
import java.util.Random;

/** Builds small ONNX models in tests: one input, initializers, nodes, outputs. */
public final class ModelBuilder {

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");
    private final int opset;
    private int nodes;

    private ModelBuilder(int opset) {
        this.opset = opset;
    }

    public static ModelBuilder opset(int opset) {
        return new ModelBuilder(opset);
    }

    public int opsetVersion() {
        return opset;
    }

    /** A float32 graph input; -1 dims are left open. */
    public ModelBuilder input(String name, long... dims) {
        graph.addInput(valueInfo(name, ElementType.FLOAT, dims));
        return this;
    }

    public ModelBuilder init(TensorProto t) {
        graph.addInitializer(t);
        return this;
    }

    public ModelBuilder floats(String name, long[] dims, float... values) {
        return init(Tensors.ofFloats(name, dims, values));
    }

    /** A float32 initializer of normal random values times {@code scale}. */
    public ModelBuilder random(String name, Random rnd, double scale, long... dims) {
        float[] v = new float[(int) Tensors.count(dims)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * scale);
        }
        return floats(name, dims, v);
    }

    /** A float32 initializer of uniform values in [lo, hi). */
    public ModelBuilder uniform(String name, Random rnd, double lo, double hi, long... dims) {
        float[] v = new float[(int) Tensors.count(dims)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (lo + rnd.nextDouble() * (hi - lo));
        }
        return floats(name, dims, v);
    }

    public ModelBuilder longs(String name, long... values) {
        return init(Tensors.ofLongs(name, values));
    }

    public ModelBuilder node(String op, List<String> inputs, List<String> outputs, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName("/" + op.toLowerCase() + "_" + nodes++)
                .addAllInput(inputs).addAllOutput(outputs);
        for (AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        graph.addNode(b);
        return this;
    }

    /** A single-output node. */
    public ModelBuilder node(String op, String output, List<String> inputs, AttributeProto... attrs) {
        return node(op, inputs, List.of(output), attrs);
    }

    /** A float32 graph output of unspecified shape. */
    public ModelBuilder output(String name) {
        graph.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT))));
        return this;
    }

    public ModelProto build() {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("gradcam-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(graph).build();
    }

    static ValueInfoProto valueInfo(String name, int elemType, long[] dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            TensorShapeProto.Dimension.Builder dim = TensorShapeProto.Dimension.newBuilder();
            if (d >= 0) {
                dim.setDimValue(d);
            } else {
                dim.setDimParam("N");
            }
            s.addDim(dim);
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }

    /** The type of an input declared here, for tests that need it. */
    public static ValueType typeOf(ValueInfoProto v) {
        return dev.gradcam.onnx.graph.Graph.typeOf(v);
    }
}
