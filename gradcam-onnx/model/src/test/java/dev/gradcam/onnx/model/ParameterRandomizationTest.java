package dev.gradcam.onnx.model;

import static dev.gradcam.onnx.model.TinyModels.ints;
import static dev.gradcam.onnx.model.TinyModels.node;
import static dev.gradcam.onnx.model.TinyModels.value;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParameterRandomizationTest {

    /** x -> Conv(w1, b1) -> Relu -> Flatten -> Gemm(w2, b2) -> y, with a shape constant that must stay. */
    static ModelProto twoLayers() {
        float[] w1 = new float[4 * 3 * 3 * 3];
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (i % 7 - 3) / 10f;
        }
        float[] w2 = new float[5 * 256];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = 0.5f + (i % 5) / 20f;
        }
        return TinyModels.model(17, List.of(
                node("Conv", List.of("x", "w1", "b1"), List.of("c"), ints("pads", 1, 1, 1, 1)),
                node("Relu", List.of("c"), List.of("r")),
                node("Flatten", List.of("r"), List.of("f")),
                node("Gemm", List.of("f", "w2", "b2"), List.of("g"), TinyModels.i("transB", 1)),
                node("Reshape", List.of("g", "shape"), List.of("y"))),
                List.of(Tensors.ofFloats("w1", new long[] {4, 3, 3, 3}, w1),
                        Tensors.ofFloats("b1", new long[] {4}, new float[] {0.1f, -0.2f, 0.3f, 0f}),
                        Tensors.ofFloats("w2", new long[] {5, 256}, w2),
                        Tensors.ofFloats("b2", new long[] {5}, new float[] {1, 2, 3, 4, 5}),
                        Tensors.ofLongs("shape", -1, 5)),
                value("x", ElementType.FLOAT, -1, 3, 8, 8), value("y", ElementType.FLOAT, -1, 5));
    }

    static Map<String, float[]> floats(ModelProto m) {
        Map<String, float[]> out = new HashMap<>();
        for (TensorProto t : m.getGraph().getInitializerList()) {
            if (t.getDataType() == ElementType.FLOAT) {
                out.put(t.getName(), Tensors.toFloats(t));
            }
        }
        return out;
    }

    @Test
    void layersAreListedFromTheOutput() {
        List<ParameterRandomization.Layer> layers = ParameterRandomization.layers(twoLayers());
        assertEquals(2, layers.size());
        assertEquals(List.of("w2", "b2"), layers.get(0).parameters(), "the Gemm nearest the output comes first");
        assertEquals(List.of("w1", "b1"), layers.get(1).parameters());
    }

    @Test
    void cascadeRewritesOnlyTheLayersUpToTheStep() {
        ModelProto m = twoLayers();
        Map<String, float[]> before = floats(m);
        Map<String, float[]> one = floats(ParameterRandomization.randomized(m, 1, 7));
        Map<String, float[]> two = floats(ParameterRandomization.randomized(m, 2, 7));
        assertFalse(java.util.Arrays.equals(before.get("w2"), one.get("w2")), "step 1 re-draws the Gemm weight");
        assertFalse(java.util.Arrays.equals(before.get("b2"), one.get("b2")), "and its bias");
        assertArrayEquals(before.get("w1"), one.get("w1"), "step 1 keeps the Conv");
        assertArrayEquals(one.get("w2"), two.get("w2"), "a layer gets the same new values at every step");
        assertFalse(java.util.Arrays.equals(before.get("w1"), two.get("w1")), "step 2 re-draws the Conv too");
        assertEquals(m.getGraph().getInitializer(4), ParameterRandomization.randomized(m, 2, 7).getGraph()
                .getInitializer(4), "integer constants are untouched");
        assertEquals(m.getGraph().getNodeList(), ParameterRandomization.randomized(m, 2, 7).getGraph()
                .getNodeList(), "the graph itself is unchanged");
    }

    @Test
    void newValuesKeepEachTensorsScale() {
        float[] w2 = floats(ParameterRandomization.randomized(twoLayers(), 1, 3)).get("w2");
        double mean = 0;
        for (float v : w2) {
            mean += v / w2.length;
        }
        double var = 0;
        for (float v : w2) {
            var += (v - mean) * (v - mean) / w2.length;
        }
        // The original w2 has mean 0.6 and standard deviation 0.0707: the new one has mean 0 and the same spread.
        assertEquals(0, mean, 0.01);
        assertEquals(0.0707, Math.sqrt(var), 0.01);
    }

    @Test
    void cascadeWritesOneFilePerStep(@TempDir Path dir) {
        Path model = dir.resolve("m.onnx");
        OnnxModelWriter.write(twoLayers(), model);
        List<ParameterRandomization.Step> steps = ParameterRandomization.cascade(model, dir, 1);
        assertEquals(2, steps.size());
        assertEquals(List.of("/Gemm_g", "/Conv_c"), steps.get(1).layers());
        assertEquals("/Conv_c", steps.get(1).lastLayer());
        assertTrue(steps.get(0).model().toFile().isFile());
        assertEquals(floats(ParameterRandomization.randomized(twoLayers(), 2, 1)).get("w1")[3],
                floats(OnnxModelReader.read(steps.get(1).model())).get("w1")[3]);
        assertThrows(InvalidInputException.class, () -> ParameterRandomization.randomized(twoLayers(), 3, 1));
    }
}
