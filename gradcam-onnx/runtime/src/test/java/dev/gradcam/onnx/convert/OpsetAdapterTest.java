package dev.gradcam.onnx.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.onnx.grad.Attr;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.testing.ModelBuilder;
import dev.gradcam.onnx.testing.OrtRunner;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every adapter of {@link OpsetConverter} on a one-operator model at the operator's old opset. Reference: ONNX
 * Runtime running the old form itself (it implements every opset from 7); the converted model at opset 17 must
 * give the same outputs, bit for bit where the arithmetic is the same.
 */
class OpsetAdapterTest {

    private static final long[] X = {2, 4, 6, 6};

    /** (name, opset, the node(s) on input x, outputs). */
    static Stream<Arguments> cases() {
        return Stream.of(
                one("Softmax-11 over axis 1 of a 4-D input (coerced to 2-D)", 11, b -> b.node("Softmax", "y",
                        List.of("x"), Attr.i("axis", 1))),
                one("Softmax-9 default axis", 9, b -> b.node("Softmax", "y", List.of("x"))),
                one("LogSoftmax-9 over axis 2", 9, b -> b.node("LogSoftmax", "y", List.of("x"), Attr.i("axis", 2))),
                one("Hardmax-11 over the last axis", 11, b -> b.node("Hardmax", "y", List.of("x"),
                        Attr.i("axis", 3))),
                one("Clip-6 with max only", 9, b -> b.node("Clip", "y", List.of("x"), Attr.f("max", 0.5f))),
                one("Clip-6 with min and max", 7, b -> b.node("Clip", "y", List.of("x"), Attr.f("min", -0.3f),
                        Attr.f("max", 0.5f))),
                one("Pad-2 constant 1.5", 9, b -> b.node("Pad", "y", List.of("x"), Attr.ints("pads", 0, 0, 1, 2, 0,
                        0, 2, 1), Attr.f("value", 1.5f))),
                one("Pad-2 reflect", 10, b -> b.node("Pad", "y", List.of("x"), Attr.s("mode", "reflect"),
                        Attr.ints("pads", 0, 0, 1, 2, 0, 0, 2, 1))),
                one("Slice-1", 9, b -> b.node("Slice", "y", List.of("x"), Attr.ints("starts", 1, -4),
                        Attr.ints("ends", 5, 1000), Attr.ints("axes", 2, 3))),
                one("Slice-1 without axes", 7, b -> b.node("Slice", "y", List.of("x"), Attr.ints("starts", 0, 1),
                        Attr.ints("ends", 1, 3))),
                one("Dropout-7 (identity at inference)", 7, b -> b.node("Dropout", "y", List.of("x"),
                        Attr.f("ratio", 0.3f))),
                one("Dropout-10 with its mask output unread", 10, b -> b.node("Dropout", List.of("x"),
                        List.of("y", "mask"))),
                one("Upsample-7 linear, scales attribute", 7, b -> b.node("Upsample", "y", List.of("x"),
                        Attr.s("mode", "linear"), Attr.floats("scales", 1, 1, 2, 3))),
                one("Upsample-7 nearest", 8, b -> b.node("Upsample", "y", List.of("x"),
                        Attr.floats("scales", 1, 1, 3, 2))),
                one("Upsample-9 nearest, scales input", 9, b -> b.floats("s", new long[] {4}, 1, 1, 2, 2)
                        .node("Upsample", "y", List.of("x", "s"))),
                one("Resize-10 linear", 10, b -> b.floats("s", new long[] {4}, 1, 1, 2, 1.5f)
                        .node("Resize", "y", List.of("x", "s"), Attr.s("mode", "linear"))),
                one("TopK-1 values", 9, b -> b.node("TopK", List.of("x"), List.of("y", "i"), Attr.i("k", 3))),
                one("ReduceSum-11 over axes without keepdims", 11, b -> b.node("ReduceSum", "y", List.of("x"),
                        Attr.ints("axes", 1, -1), Attr.i("keepdims", 0))),
                one("ReduceSum-11 over all axes", 11, b -> b.node("ReduceSum", "y", List.of("x"))),
                one("Unsqueeze-11 then Squeeze-11", 11, b -> b.node("Unsqueeze", "u", List.of("x"),
                        Attr.ints("axes", 0, 3)).node("Squeeze", "y", List.of("u"), Attr.ints("axes", 0))),
                one("Squeeze-1 without axes", 9, b -> b.node("ReduceSum", "r", List.of("x"), Attr.ints("axes", 1))
                        .node("Squeeze", "y", List.of("r"))),
                Arguments.of("Split-11 with split sizes", 11, (UnaryOperator<ModelBuilder>) b -> b.node("Split",
                        List.of("x"), List.of("y", "z"), Attr.i("axis", 1), Attr.ints("split", 1, 3)),
                        List.of("y", "z")),
                one("BatchNormalization-7 spatial=1", 7, b -> b.random("g", new Random(1), 1, 4)
                        .random("be", new Random(2), 1, 4).random("m", new Random(3), 1, 4)
                        .uniform("v", new Random(4), 0.5, 2, 4).node("BatchNormalization", "y",
                                List.of("x", "g", "be", "m", "v"), Attr.i("spatial", 1), Attr.f("epsilon", 1e-3f))),
                one("BatchNormalization-9 with training outputs (batch statistics)", 9, b -> b.random("g", new Random(1), 1, 4)
                        .random("be", new Random(2), 1, 4).random("m", new Random(3), 1, 4)
                        .uniform("v", new Random(4), 0.5, 2, 4).node("BatchNormalization", List.of("x", "g", "be",
                                "m", "v"), List.of("y", "rm", "rv", "sm", "sv"))),
                one("Scatter-9", 9, b -> b.init(Tensors.ofLongs("i", new long[] {2, 4, 1, 6}, indices()))
                        .random("u", new Random(5), 1, 2, 4, 1, 6).node("Scatter", "y", List.of("x", "i", "u"),
                                Attr.i("axis", 2))));
    }

    private static long[] indices() {
        long[] v = new long[2 * 4 * 6];
        for (int i = 0; i < v.length; i++) {
            v[i] = i % 6;
        }
        return v;
    }

    private static Arguments one(String name, int opset, UnaryOperator<ModelBuilder> nodes) {
        return Arguments.of(name, opset, nodes, List.of("y"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void convertedModelGivesTheOldOutputs(String name, int opset, UnaryOperator<ModelBuilder> nodes,
                                          List<String> outputs) {
        ModelBuilder b = nodes.apply(ModelBuilder.opset(opset).input("x", X));
        outputs.forEach(b::output);
        ModelProto old = b.build();
        ModelProto converted = OpsetConverter.upgrade(old, OpsetConverter.TARGET);
        assertEquals(OpsetConverter.TARGET, OnnxFormat.opset(converted));
        Random r = new Random(11);
        float[] x = new float[2 * 4 * 6 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        Map<String, float[]> before;
        Map<String, float[]> after;
        try (OrtRunner a = new OrtRunner(old); OrtRunner c = new OrtRunner(converted)) {
            before = a.run(Map.of("x", x), Map.of("x", X), outputs);
            after = c.run(Map.of("x", x), Map.of("x", X), outputs);
        }
        for (String o : outputs) {
            assertArrayEquals(before.get(o), after.get(o), 1e-6f, name + ": output " + o);
        }
    }

    @Test
    void batchNormalizationWithPerElementStatisticsIsRefusedByName() {
        ModelProto m = ModelBuilder.opset(7).input("x", X).floats("g", new long[] {4, 6, 6}, new float[144])
                .node("BatchNormalization", "y", List.of("x", "g", "g", "g", "g"), Attr.i("spatial", 0))
                .output("y").build();
        UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class,
                () -> OpsetConverter.upgrade(m, OpsetConverter.TARGET));
        assertTrue(e.getMessage().contains("BatchNormalization") && e.getMessage().contains("spatial=0")
                && e.getMessage().contains("Re-export"), e.getMessage());
    }

    @Test
    void subgraphsAreRefusedAndModelsAtTheTargetAreUntouched() {
        ModelProto inner = ModelBuilder.opset(9).input("x", X).node("Relu", "y", List.of("x")).output("y").build();
        AttributeProto branch = AttributeProto.newBuilder().setName("then_branch")
                .setType(AttributeProto.AttributeType.GRAPH).setG(GraphProto.newBuilder(inner.getGraph())).build();
        ModelProto withIf = ModelBuilder.opset(9).input("x", X).node("Relu", "y", List.of("x")).output("y").build();
        ModelProto m = withIf.toBuilder().setGraph(withIf.getGraph().toBuilder().addNode(NodeProto.newBuilder()
                .setOpType("If").setName("branch").addInput("x").addOutput("z").addAttribute(branch))).build();
        UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class,
                () -> OpsetConverter.upgrade(m, OpsetConverter.TARGET));
        assertTrue(e.getMessage().contains("If") && e.getMessage().contains("subgraph"), e.getMessage());
        ModelProto current = ModelBuilder.opset(17).input("x", X).node("Relu", "y", List.of("x")).output("y")
                .build();
        assertTrue(current == OpsetConverter.upgrade(current, OpsetConverter.TARGET));
    }
}
