package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.TypeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import dev.gradcam.onnx.testing.ModelBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Models with control flow (If, as torchvision's detectors have): tensors computed before it can be explained, and
 * outputs behind it fail with an error that names the node and says what to do, never an internal exception.
 */
class ControlFlowTest {

    /** y = If(cond, then: Identity(a), else: Neg(a)) with a = Relu(x) read from the enclosing graph; also b = a * 2. */
    private static ModelProto model() {
        GraphProto thenBranch = branch("Identity", "then");
        GraphProto elseBranch = branch("Neg", "else");
        ModelProto m = ModelBuilder.opset(17).input("x", 1, 2, 3, 3)
                .node("Relu", "a", List.of("x"))
                .floats("two", new long[0], 2f)
                .node("Mul", "b", List.of("a", "two"))
                .init(TensorProto.newBuilder().setName("cond").setDataType(ElementType.BOOL).addInt32Data(1).build())
                .node("If", List.of("cond"), List.of("y"),
                        AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                                .setG(thenBranch).build(),
                        AttributeProto.newBuilder().setName("else_branch").setType(AttributeProto.AttributeType.GRAPH)
                                .setG(elseBranch).build())
                .output("y").output("b").build();
        return m;
    }

    private static GraphProto branch(String op, String name) {
        return GraphProto.newBuilder().setName(name)
                .addNode(NodeProto.newBuilder().setOpType(op).setName(name + "_op").addInput("a").addOutput(name + "_y"))
                .addOutput(ValueInfoProto.newBuilder().setName(name + "_y").setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT))))
                .build();
    }

    @Test
    void tensorsBeforeTheIfAreExplainedAndOutputsBehindItFailClearly() {
        try (OnnxModel model = OnnxModel.of(model(), "if-model", OnnxOptions.defaults())) {
            FloatTensor x = FloatTensor.full(Shape.of(1, 2, 3, 3), 0.5f);
            var r = model.run(PassRequest.builder(x).output("b").seed(Targets.seedFor(List.of(Targets.element(0)), 1))
                    .inputGradient(true).build());
            assertEquals(2f, r.inputGradient().orElseThrow().getFlat(0), "d(2 relu(x))/dx at x = 0.5");
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> model.forward(x));
            assertTrue(e.getMessage().contains("If") && e.getMessage().contains("--output"), e.getMessage());
        }
    }
}
