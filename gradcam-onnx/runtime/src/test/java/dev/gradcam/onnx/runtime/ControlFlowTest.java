package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
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
 * Models with control flow (If, as torchvision's detectors have; Loop). An If whose condition the input shapes fix is
 * inlined and differentiated like any other node; one whose condition depends on the data leaves the tensors before
 * it explainable, runs forward, and gradients through it fail with an error that names the node and what to explain
 * instead. A for-loop whose trip count the shapes fix is unrolled.
 */
class ControlFlowTest {

    /**
     * a = Relu(x), b = a * 2, y = If(cond, then: a * three, else: -a), where "three" is an initializer of the then
     * branch holding 3 and "two" an initializer of both the main graph (2) and the else branch (unused), so that
     * inlining must keep the branch's names apart from the graph's.
     */
    private static ModelProto model(ModelBuilder condition) {
        GraphProto thenBranch = branch("then", NodeProto.newBuilder().setOpType("Mul").setName("then_op")
                .addInput("a").addInput("two").addOutput("then_y").build(), 3f);
        GraphProto elseBranch = branch("else", NodeProto.newBuilder().setOpType("Neg").setName("else_op")
                .addInput("a").addOutput("else_y").build(), 5f);
        return condition.floats("two", new long[0], 2f)
                .node("Mul", "b", List.of("a", "two"))
                .node("If", List.of("cond"), List.of("y"),
                        AttributeProto.newBuilder().setName("then_branch").setType(AttributeProto.AttributeType.GRAPH)
                                .setG(thenBranch).build(),
                        AttributeProto.newBuilder().setName("else_branch").setType(AttributeProto.AttributeType.GRAPH)
                                .setG(elseBranch).build())
                .output("y").output("b").build();
    }

    private static GraphProto branch(String name, NodeProto op, float two) {
        return GraphProto.newBuilder().setName(name).addNode(op)
                .addInitializer(Tensors.ofFloats("two", new long[0], new float[] {two}))
                .addOutput(ValueInfoProto.newBuilder().setName(op.getOutput(0)).setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT))))
                .build();
    }

    /** cond = (Shape(x)[0] == 1): fixed once the input shape is known, as torch's exports of squeeze(0) are. */
    private static ModelProto shapeCondition() {
        return model(ModelBuilder.opset(17).input("x", -1, 2, 3, 3)
                .node("Relu", "a", List.of("x"))
                .node("Shape", "s", List.of("a"))
                .init(Tensors.ofLongs("zero", new long[0], new long[] {0}))
                .node("Gather", "n", List.of("s", "zero"))
                .init(Tensors.ofLongs("one", new long[0], new long[] {1}))
                .node("Equal", "cond", List.of("n", "one")));
    }

    /** cond = (sum(x) > 0): known only when the model runs. */
    private static ModelProto dataCondition() {
        return model(ModelBuilder.opset(17).input("x", 1, 2, 3, 3)
                .node("Relu", "a", List.of("x"))
                .node("ReduceSum", "s", List.of("x"))
                .floats("zero", new long[0], 0f)
                .node("Greater", "cond", List.of("s", "zero")));
    }

    @Test
    void anIfFixedByTheInputShapeIsInlinedAndDifferentiated() {
        try (OnnxModel model = OnnxModel.of(shapeCondition(), "if-model", OnnxOptions.defaults())) {
            // Batch 1 takes the then branch, y = 3 relu(x); batch 2 the else branch, y = -relu(x).
            for (int n : new int[] {1, 2}) {
                FloatTensor x = FloatTensor.full(Shape.of(n, 2, 3, 3), 0.5f);
                PassResult r = model.run(PassRequest.builder(x).output("y")
                        .seed(Targets.seedFor(java.util.Collections.nCopies(n, Targets.element(0)), n))
                        .inputGradient(true).build());
                float slope = n == 1 ? 3f : -1f;
                assertEquals(slope * 0.5f, r.output().getFlat(0), "y at batch " + n);
                assertEquals(slope, r.inputGradient().orElseThrow().getFlat(0), "dy/dx at batch " + n);
                assertEquals(0.0, Math.abs(r.inputGradient().orElseThrow().getFlat(1)), "element 0 only");
            }
        }
    }

    @Test
    void tensorsBeforeADataDependentIfAreExplainedAndGradientsThroughItFailClearly() {
        try (OnnxModel model = OnnxModel.of(dataCondition(), "if-model", OnnxOptions.defaults())) {
            FloatTensor x = FloatTensor.full(Shape.of(1, 2, 3, 3), 0.5f);
            var r = model.run(PassRequest.builder(x).output("b").seed(Targets.seedFor(List.of(Targets.element(0)), 1))
                    .inputGradient(true).build());
            assertEquals(2f, r.inputGradient().orElseThrow().getFlat(0), "d(2 relu(x))/dx at x = 0.5");
            // The If's output has no static type until the model runs; the run tells, and the forward pass works.
            assertEquals(1.5f, model.forward(x).getFlat(0), "sum(x) > 0 takes the then branch, 3 relu(x)");
            UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class, () -> model.run(
                    PassRequest.builder(x).output("y").seed(Targets.seedFor(List.of(Targets.element(0)), 1))
                            .inputGradient(true).build()));
            assertEquals("If", e.opType());
            assertTrue(e.getMessage().contains("--output") && e.getMessage().contains("'a'"), e.getMessage());
        }
    }

    /**
     * A for-loop of 3 trips (torch exports Python loops over a fixed range so): v = v * two each trip, and the
     * doubled values as a scan output. Unrolled once the trip count is known: y = 8 relu(x), scan = [2, 4, 8] relu(x).
     */
    @Test
    void aForLoopOfKnownTripCountIsUnrolledAndDifferentiated() {
        GraphProto body = GraphProto.newBuilder().setName("body")
                .addInput(ValueInfoProto.newBuilder().setName("i").setType(tensorType(ElementType.INT64)))
                .addInput(ValueInfoProto.newBuilder().setName("c_in").setType(tensorType(ElementType.BOOL)))
                .addInput(ValueInfoProto.newBuilder().setName("v_in").setType(tensorType(ElementType.FLOAT)))
                .addNode(NodeProto.newBuilder().setOpType("Identity").setName("keep").addInput("c_in")
                        .addOutput("c_out"))
                .addNode(NodeProto.newBuilder().setOpType("Mul").setName("double").addInput("v_in").addInput("two")
                        .addOutput("v_out"))
                .addNode(NodeProto.newBuilder().setOpType("Identity").setName("emit").addInput("v_out")
                        .addOutput("s_out"))
                .addOutput(ValueInfoProto.newBuilder().setName("c_out").setType(tensorType(ElementType.BOOL)))
                .addOutput(ValueInfoProto.newBuilder().setName("v_out").setType(tensorType(ElementType.FLOAT)))
                .addOutput(ValueInfoProto.newBuilder().setName("s_out").setType(tensorType(ElementType.FLOAT)))
                .build();
        ModelProto m = ModelBuilder.opset(17).input("x", 1, 2, 3, 3)
                .node("Relu", "a", List.of("x"))
                .floats("two", new long[0], 2f)
                .init(Tensors.ofLongs("trips", new long[0], new long[] {3}))
                .node("Loop", List.of("trips", "", "a"), List.of("y", "scan"),
                        AttributeProto.newBuilder().setName("body").setType(AttributeProto.AttributeType.GRAPH)
                                .setG(body).build())
                .output("y").output("scan").build();
        try (OnnxModel model = OnnxModel.of(m, "loop-model", OnnxOptions.defaults())) {
            FloatTensor x = FloatTensor.full(Shape.of(1, 2, 3, 3), 0.5f);
            PassResult r = model.run(PassRequest.builder(x).output("y")
                    .seed(Targets.seedFor(List.of(Targets.element(0)), 1)).inputGradient(true).build());
            assertEquals(4f, r.output().getFlat(0), "y = 8 relu(x)");
            assertEquals(8f, r.inputGradient().orElseThrow().getFlat(0), "dy/dx");
            FloatTensor scan = model.run(PassRequest.builder(x).output("scan").build()).output();
            assertEquals(Shape.of(3, 1, 2, 3, 3), scan.shape(), "one scan entry per trip");
            assertEquals(1f, scan.getFlat(0), "scan[0] = 2 relu(x)");
            assertEquals(4f, scan.getFlat(2 * 18), "scan[2] = 8 relu(x)");
        }
    }

    private static TypeProto.Builder tensorType(int elemType) {
        return TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType));
    }
}
