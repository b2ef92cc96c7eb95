package dev.gradcam.onnx.runtime;

import static dev.gradcam.api.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.OperatorSetIdProto;
import dev.gradcam.onnx.proto.Onnx.TensorShapeProto;
import dev.gradcam.onnx.proto.Onnx.TypeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.testsupport.OnnxFixtures;
import dev.gradcam.testsupport.TestResources;
import dev.gradcam.api.testing.Tensors;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One compiled variant serves every batch size ({@code SymbolicBatch}): on each fixture architecture, one session
 * answers batches of 1, 3 and 8 with the results of the per-batch variants ({@code batchSymbolic=false}, the
 * reference: graphs specialised to each input shape, themselves checked against PyTorch by {@link FixtureTest}).
 */
class SymbolicBatchTest {

    /** Both forms run the same arithmetic; only shape constants differ, so results agree to float32 rounding. */
    private static final double TOLERANCE = 1e-5;

    static Stream<Path> models() {
        Stream<Path> cnns = OnnxFixtures.ARCHITECTURES.stream().map(OnnxFixtures::model);
        Stream<Path> transformers = Stream.of("vit", "deit", "convnext")
                .map(a -> TestResources.path("/dev/gradcam/onnx/transformers/" + a + ".onnx"));
        return Stream.concat(cnns, transformers);
    }

    private static OnnxModel load(Path file, boolean symbolic) {
        return OnnxModel.load(file, Map.of("executionProvider", "cpu", "intraOpThreads", "1",
                "batchSymbolic", Boolean.toString(symbolic)));
    }

    /**
     * x [N, 4] -> Reshape(x, [1, 4]) -> MatMul(W [4, 3]) -> y: the batch axis is declared open but the graph bakes in
     * batch 1 (as some exports do).
     */
    private static ModelProto batchOneInside() {
        TensorShapeProto.Builder in = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(4));
        TensorShapeProto.Builder out = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(1))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(3));
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = i - 5.5f;
        }
        GraphProto g = GraphProto.newBuilder().setName("batch_one_inside")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT).setShape(in))))
                .addOutput(ValueInfoProto.newBuilder().setName("y").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT).setShape(out))))
                .addInitializer(dev.gradcam.onnx.model.Tensors.ofLongs("one_row", 1, 4))
                .addInitializer(dev.gradcam.onnx.model.Tensors.ofFloats("w", new long[] {4, 3}, w))
                .addNode(NodeProto.newBuilder().setOpType("Reshape").setName("reshape").addInput("x")
                        .addInput("one_row").addOutput("r"))
                .addNode(NodeProto.newBuilder().setOpType("MatMul").setName("matmul").addInput("r").addInput("w")
                        .addOutput("y"))
                .build();
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("SymbolicBatchTest")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(17)).setGraph(g).build();
    }

    @Test
    void aGraphThatBakesInBatchOneStillGetsItsOwnResultsAtBatchOne() {
        OnnxOptions cpu = OnnxOptions.parse(Map.of("executionProvider", "cpu"));
        OnnxOptions perBatchOptions = OnnxOptions.parse(Map.of("executionProvider", "cpu", "batchSymbolic", "false"));
        try (OnnxModel m = OnnxModel.of(batchOneInside(), "batch_one_inside", cpu);
             OnnxModel reference = OnnxModel.of(batchOneInside(), "batch_one_inside", perBatchOptions)) {
            FloatTensor x = FloatTensor.of(Shape.of(1, 4), new float[] {1, -2, 3, 0.5f});
            PassRequest request = PassRequest.builder(x).inputGradient(true).seed(new Seed.TopClass()).build();
            PassResult got = m.run(request);
            PassResult want = reference.run(request);
            assertEquals(want.output(), got.output());
            assertEquals(want.inputGradient().orElseThrow(), got.inputGradient().orElseThrow());
            // Reference by hand: the top class of x W is column 2 (W[i][j] = 3i + j - 5.5), whose gradient is W[:, 2].
            assertEquals(FloatTensor.of(Shape.of(1, 4), new float[] {-3.5f, -0.5f, 2.5f, 5.5f}),
                    got.inputGradient().orElseThrow());
            // The pass compiles to the same graph at batch 2 and 3 (the baked-in shape is the same constant in both),
            // so it generalises; it is as valid as the model itself, i.e. at batch 1 only.
            m.run(request);
            assertEquals(0, m.passesNotBatchSymbolic());
            assertEquals(1, m.sessionsCreated(), "compiled once and then reused");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void oneSessionServesBatchesOf1_3And8WithThePerBatchResults(Path file) {
        try (OnnxModel symbolic = load(file, true); OnnxModel perBatch = load(file, false)) {
            String tap = symbolic.resolveLayer("auto").name();
            Shape image = symbolic.inputs().get(0).shape().dropFirst(1);
            for (int n : new int[] {1, 3, 8}) {
                FloatTensor x = Tensors.gaussian(image.prepend(n), 11 + n);
                for (GradientMode mode : new GradientMode[] {GradientMode.STANDARD, GradientMode.GUIDED}) {
                    PassRequest request = PassRequest.builder(x).tap(tap).inputGradient(true).mode(mode)
                            .seed(new Seed.TopClass()).build();
                    PassResult got = symbolic.run(request);
                    PassResult want = perBatch.run(request);
                    String what = file.getFileName() + " batch " + n + " " + mode;
                    assertClose(want.output(), got.output(), TOLERANCE, what + " output");
                    assertClose(want.activation(tap), got.activation(tap), TOLERANCE, what + " activations");
                    assertClose(want.gradient(tap), got.gradient(tap), TOLERANCE, what + " gradient");
                    assertClose(want.inputGradient().orElseThrow(), got.inputGradient().orElseThrow(), TOLERANCE,
                            what + " input gradient");
                    assertEquals(want.seed().orElseThrow(), got.seed().orElseThrow(), what + " seed (top class)");
                }
            }
            assertEquals(0, symbolic.passesNotBatchSymbolic(), file.getFileName() + ": every pass generalises");
            assertEquals(2, symbolic.sessionsCreated(), file.getFileName() + ": one session per gradient mode, "
                    + "whatever the batch size");
            assertEquals(6, perBatch.sessionsCreated(), "the reference compiles per batch size");
        }
    }
}
