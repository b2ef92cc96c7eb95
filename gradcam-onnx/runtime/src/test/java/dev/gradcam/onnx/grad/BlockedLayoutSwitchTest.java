package dev.gradcam.onnx.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.testing.ModelBuilder;
import dev.gradcam.onnx.testing.OrtRunner;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The CPU blocked-layout forms are a compile option (on for ONNX Runtime's CPU provider, off for CUDA): both graphs
 * give identical gradients, and only the CPU form emits the Tanh mask. In both, the global-average-pool gradient's
 * Expand target leaves the batch and channel dims to the gradient (1), so it is the same at every batch size.
 */
class BlockedLayoutSwitchTest {

    private static final long[] DIMS = {2, 8, 5, 6};

    private static CompiledGraph compile(boolean blocked) {
        ModelProto m = ModelBuilder.opset(17).input("x", DIMS).node("Relu", "r", List.of("x"))
                .node("GlobalAveragePool", "y", List.of("r")).output("y").build();
        Shapes shapes = ShapeInference.infer(Graph.of(m), Map.of("x", DIMS));
        return GradientCompiler.compile(shapes, new GradientSpec("y", List.of(), true, GradientMode.STANDARD,
                GradientSpec.SeedSource.FED), blocked);
    }

    private static Set<String> ops(CompiledGraph cg) {
        return cg.model().getGraph().getNodeList().stream().map(NodeProto::getOpType).collect(Collectors.toSet());
    }

    private static float[] inputGradient(CompiledGraph cg, float[] x, float[] seed) {
        try (OrtRunner ort = new OrtRunner(cg.model())) {
            return ort.run(Map.of("x", x, GradientCompiler.SEED_INPUT, seed),
                    Map.of("x", DIMS, GradientCompiler.SEED_INPUT, new long[] {2, 8, 1, 1}),
                    List.of(cg.inputGradient())).get(cg.inputGradient());
        }
    }

    @Test
    void theExpandTargetHoldsNoBatchSize() {
        for (boolean blocked : new boolean[] {true, false}) {
            CompiledGraph cg = compile(blocked);
            NodeProto expand = cg.model().getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Expand"))
                    .findFirst().orElseThrow();
            TensorProto target = cg.model().getGraph().getInitializerList().stream()
                    .filter(t -> t.getName().equals(expand.getInput(1))).findFirst().orElseThrow();
            assertArrayEquals(new long[] {1, 1, DIMS[2], DIMS[3]}, dev.gradcam.onnx.model.Tensors.toLongs(target),
                    "blocked " + blocked);
        }
    }

    @Test
    void bothFormsGiveTheSameGradient() {
        CompiledGraph cpu = compile(true);
        CompiledGraph plain = compile(false);
        assertTrue(ops(cpu).contains("Tanh"), "CPU form masks with Tanh: " + ops(cpu));
        assertFalse(ops(plain).contains("Tanh"), "plain form has no Tanh mask: " + ops(plain));
        Random r = new Random(3);
        float[] x = new float[2 * 8 * 5 * 6];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        float[] seed = new float[16];
        for (int i = 0; i < seed.length; i++) {
            seed[i] = (float) r.nextGaussian();
        }
        assertArrayEquals(inputGradient(plain, x, seed), inputGradient(cpu, x, seed), 1e-7f);
    }
}
