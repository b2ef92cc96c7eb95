package dev.gradcam.nd4j.onnx;

import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.OperatorSetIdProto;
import dev.gradcam.onnx.proto.Onnx.TensorShapeProto;
import dev.gradcam.onnx.proto.Onnx.TypeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;

/** Builds tiny ONNX models in code, for translation tests of ops and forms the fixtures do not cover. */
final class OnnxModels {

    private final GraphProto.Builder graph = GraphProto.newBuilder().setName("test");

    private OnnxModels() {
    }

    /** A model with one float input of {@code dims}; -1 marks the batch axis. */
    static OnnxModels withInput(String name, long... dims) {
        OnnxModels m = new OnnxModels();
        m.graph.addInput(value(name, dims));
        return m;
    }

    OnnxModels initializer(String name, long[] dims, float... values) {
        graph.addInitializer(Tensors.ofFloats(name, dims, values));
        return this;
    }

    OnnxModels node(String op, String name, String[] inputs, String output, AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        graph.addNode(n);
        return this;
    }

    ModelProto output(String name, long... dims) {
        graph.addOutput(value(name, dims));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("gradcam-nd4j tests")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(17)).setGraph(graph).build();
    }

    static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    static AttributeProto integer(String name, long value) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value).build();
    }

    private static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(1).setShape(s))).build();
    }
}
