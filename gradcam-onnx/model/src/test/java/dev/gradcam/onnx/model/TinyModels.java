package dev.gradcam.onnx.model;

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

/** Hand-built models for the model module's tests. */
public final class TinyModels {

    private TinyModels() {
    }

    public static ValueInfoProto value(String name, int type, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("N")
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
                .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type).setShape(s))).build();
    }

    public static NodeProto node(String op, List<String> in, List<String> out, AttributeProto... attrs) {
        NodeProto.Builder b = NodeProto.newBuilder().setOpType(op).setName("/" + op + "_" + out.get(0))
                .addAllInput(in).addAllOutput(out);
        for (AttributeProto a : attrs) {
            b.addAttribute(a);
        }
        return b.build();
    }

    public static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder b = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            b.addInts(x);
        }
        return b.build();
    }

    public static AttributeProto i(String name, long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    public static ModelProto model(int opset, List<NodeProto> nodes, List<TensorProto> inits, ValueInfoProto input,
                                   ValueInfoProto output) {
        return ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
                .setGraph(GraphProto.newBuilder().setName("g").addAllNode(nodes).addAllInitializer(inits)
                        .addInput(input).addOutput(output)).build();
    }

    /** x [N,3,8,8] -> Conv(4, 3x3, pad 1) -> Relu -> MaxPool 2x2 -> Flatten -> y. */
    public static ModelProto convNet() {
        float[] w = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 7 - 3) / 10f;
        }
        return model(17, List.of(
                node("Conv", List.of("x", "w"), List.of("c"), ints("pads", 1, 1, 1, 1)),
                node("Relu", List.of("c"), List.of("r")),
                node("MaxPool", List.of("r"), List.of("p"), ints("kernel_shape", 2, 2), ints("strides", 2, 2)),
                node("Flatten", List.of("p"), List.of("y"))),
                List.of(Tensors.ofFloats("w", new long[] {4, 3, 3, 3}, w)),
                value("x", ElementType.FLOAT, -1, 3, 8, 8), value("y", ElementType.FLOAT, -1, 64));
    }
}
