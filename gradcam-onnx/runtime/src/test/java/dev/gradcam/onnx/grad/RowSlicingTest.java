package dev.gradcam.onnx.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.testing.ModelBuilder;
import dev.gradcam.onnx.testing.OrtRunner;
import dev.gradcam.testsupport.TestResources;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Row slicing ({@link RowSlicing}) changes how much the backward computes, never what: gradients at the tap and the
 * input with and without it agree to float32 rounding (the reference is the unsliced compilation, itself checked
 * against torch autograd by the transformer reference tests), and on a small block the MLP's forward and backward
 * MatMuls run on the class-token row alone.
 */
class RowSlicingTest {

    private static final long[] X = {2, 5, 4};

    /** One pre-norm transformer block (attention mixing the 5 tokens, MLP 4 -> 8 -> 4) and a class-token head. */
    private static ModelProto block() {
        Random r = new Random(11);
        return ModelBuilder.opset(17).input("x", X)
                .random("wo", r, 0.5, 4, 4).random("w1", r, 0.5, 4, 8).random("b1", r, 0.5, 8)
                .random("w2", r, 0.5, 8, 4).random("wh", r, 0.5, 4, 3).init(TensorProto.newBuilder().setName("zero").setDataType(TensorProto.DataType.INT64_VALUE)
                        .addInt64Data(0).build())
                .random("g", r, 0.5, 4).random("bt", r, 0.5, 4)
                .node("LayerNormalization", "t", List.of("x", "g", "bt"))
                .node("Transpose", "tT", List.of("t"), Attr.ints("perm", 0, 2, 1))
                .node("MatMul", "s", List.of("t", "tT"))
                .node("Softmax", "p", List.of("s"), Attr.i("axis", -1))
                .node("MatMul", "m", List.of("p", "t"))
                .node("MatMul", "proj", List.of("m", "wo"))
                .node("Add", "r1", List.of("x", "proj"))
                .node("LayerNormalization", "n2", List.of("r1", "g", "bt"))
                .node("MatMul", "h0", List.of("n2", "w1"))
                .node("Add", "h1", List.of("h0", "b1"))
                .node("Erf", "h", List.of("h1"))
                .node("MatMul", "mlp", List.of("h", "w2"))
                .node("Add", "r2", List.of("r1", "mlp"))
                .node("LayerNormalization", "y", List.of("r2", "g", "bt"))
                .node("Gather", "cls", List.of("y", "zero"), Attr.i("axis", 1))
                .node("MatMul", "logits", List.of("cls", "wh"))
                .output("logits").build();
    }

    private static CompiledGraph compile(Shapes shapes, String tap, boolean rowSlicing) {
        return GradientCompiler.compile(shapes, new GradientSpec(shapes.graph().outputs().get(0).getName(),
                List.of(tap), true, GradientMode.STANDARD, GradientSpec.SeedSource.FED), true, rowSlicing);
    }

    private static Map<String, float[]> run(CompiledGraph cg, String input, long[] inDims, long[] outDims,
                                            float[] x, float[] seed) {
        try (OrtRunner ort = new OrtRunner(cg.model())) {
            Map<String, float[]> raw = ort.run(Map.of(input, x, GradientCompiler.SEED_INPUT, seed),
                    Map.of(input, inDims, GradientCompiler.SEED_INPUT, outDims),
                    List.of(cg.inputGradient(), cg.gradients().values().iterator().next(),
                            cg.activations().values().iterator().next()));
            Map<String, float[]> out = new HashMap<>();
            out.put("input", raw.get(cg.inputGradient()));
            out.put("tap", raw.get(cg.gradients().values().iterator().next()));
            out.put("act", raw.get(cg.activations().values().iterator().next()));
            return out;
        }
    }

    private static float[] gaussian(Random r, long n) {
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (float v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * scale + 1e-7, what + " [" + i + "]");
        }
    }

    private static void assertSameGradients(Shapes shapes, String tap, long[] inDims, long[] outDims, long seed) {
        CompiledGraph plain = compile(shapes, tap, false);
        CompiledGraph sliced = compile(shapes, tap, true);
        Random r = new Random(seed);
        float[] x = gaussian(r, Arrays.stream(inDims).reduce(1, (a, b) -> a * b));
        float[] s = gaussian(r, Arrays.stream(outDims).reduce(1, (a, b) -> a * b));
        String input = shapes.graph().inputs().get(0).getName();
        Map<String, float[]> a = run(plain, input, inDims, outDims, x, s);
        Map<String, float[]> b = run(sliced, input, inDims, outDims, x, s);
        for (String k : List.of("act", "tap", "input")) {
            assertClose(a.get(k), b.get(k), k);
        }
    }

    @Test
    void mlpBackwardRunsOnTheClassTokenRowOnly() {
        Shapes shapes = ShapeInference.infer(Graph.of(block()), Map.of("x", X));
        assertSameGradients(shapes, "t", X, new long[] {2, 3}, 5);
        assertEquals(List.of(4L, 0L), hiddenMatMuls(compile(shapes, "t", true)), "[rows 1, rows 5] in the MLP");
        assertEquals(List.of(0L, 4L), hiddenMatMuls(compile(shapes, "t", false)), "[rows 1, rows 5] unsliced");
    }

    /**
     * MatMuls that read or write the MLP's hidden layer (8 wide), counted once per such operand, on one row and on
     * all 5 rows: the forward {@code n2 x w1} and {@code h x w2}, the backward {@code g x w2^T} and {@code g_h x
     * w1^T} (no weight gradients are computed).
     */
    private static List<Long> hiddenMatMuls(CompiledGraph cg) {
        Shapes s = ShapeInference.infer(Graph.of(cg.model()), Map.of("x", X, GradientCompiler.SEED_INPUT,
                new long[] {2, 3}));
        long one = 0;
        long all = 0;
        for (Node n : s.graph().nodes()) {
            if (!n.opType().equals("MatMul")) {
                continue;
            }
            for (String v : List.of(n.input(0), n.output(0))) {
                long[] d = s.dims(v);
                if (d.length == 3 && d[2] == 8) {
                    one += d[1] == 1 ? 1 : 0;
                    all += d[1] == 5 ? 1 : 0;
                }
            }
        }
        return List.of(one, all);
    }

    @ParameterizedTest
    @ValueSource(strings = {"vit", "deit"})
    void transformerFixturesGiveTheSameGradients(String name) throws Exception {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(
                TestResources.path("/dev/gradcam/onnx/transformers/" + name + ".onnx")));
        long[] in = {2, 3, 32, 32};
        Graph g = Graph.of(m);
        Shapes shapes = ShapeInference.infer(g, Map.of(g.inputs().get(0).getName(), in));
        String tap = g.nodes().stream().filter(n -> n.opType().equals("LayerNormalization")
                && n.name().contains("blocks.1/norm1")).findFirst().orElseThrow().output(0);
        long[] out = shapes.dims(g.outputs().get(0).getName());
        assertSameGradients(shapes, tap, in, out, 7);
        CompiledGraph sliced = compile(shapes, tap, true);
        assertTrue(sliced.model().getGraph().getNodeList().stream().map(NodeProto::getName)
                .anyMatch(n -> n.startsWith("gradcam/rows/")), "the head's row selection moved up");
    }
}
