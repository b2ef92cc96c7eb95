package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Models;
import dev.gradcam.api.UnknownLayerException;
import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.api.spi.BackendRegistry;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.grad.Attr;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.testing.ModelBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Behaviour of {@link OnnxModel} beyond the SPI contract: modes, errors, options, discovery. */
class OnnxModelTest {

    private static final Map<String, String> CPU = Map.of("executionProvider", "cpu");

    /** y = Relu(x) * w, flattened through a Gemm: small enough to check by hand. */
    private static ModelProto reluNet() {
        return ModelBuilder.opset(17).input("x", -1, 4)
                .node("Relu", "r", List.of("x"))
                .floats("w", new long[] {3, 4}, 1, -1, 2, 0.5f, -2, 1, 1, 1, 0.5f, 0.5f, -1, 2)
                .node("Gemm", "y", List.of("r", "w"), Attr.i("transB", 1))
                .output("y").build();
    }

    private static FloatTensor x() {
        return FloatTensor.of(Shape.of(2, 4), 1, -2, 3, -0.5f, -1, 2, 0.5f, 4);
    }

    @Test
    void guidedAndDeconvnetChangeOnlyTheReluUnit() {
        try (OnnxModel m = OnnxModel.of(reluNet(), "relu-net", OnnxOptions.parse(CPU))) {
            FloatTensor x = x();
            FloatTensor seed = FloatTensor.of(Shape.of(2, 3), 1, 0, -1, 0, -1, 0);
            Map<GradientMode, float[]> expected = Map.of(
                    GradientMode.STANDARD, new float[] {0.5f, 0, 3, 0, 0, -1, -1, -1},
                    GradientMode.GUIDED, new float[] {0.5f, 0, 3, 0, 0, 0, 0, 0},
                    GradientMode.DECONVNET, new float[] {0.5f, 0, 3, 0, 2, 0, 0, 0});
            // d y / d r = seed @ w; standard masks r > 0 (x > 0); guided also masks the gradient > 0;
            // deconvnet passes relu(gradient) whatever x was.
            for (var e : expected.entrySet()) {
                PassResult r = m.run(PassRequest.builder(x).inputGradient(true).mode(e.getKey())
                        .seed(new Seed.OfShape(s -> seed)).build());
                FloatTensor g = r.inputGradient().orElseThrow();
                // Compared by value: masking by multiplication may give -0.0 where the expectation has 0.0.
                assertEquals(0.0, g.relativeError(FloatTensor.of(Shape.of(2, 4), e.getValue())), e.getKey().name()
                        + ": " + g);
            }
        }
    }

    @Test
    void topClassSeedIsComputedInTheGraph() {
        try (OnnxModel m = OnnxModel.of(reluNet(), "relu-net", OnnxOptions.parse(CPU))) {
            PassResult r = m.run(PassRequest.builder(x()).inputGradient(true).seed(new Seed.TopClass()).build());
            FloatTensor seed = r.seed().orElseThrow();
            assertEquals(new Seed.TopClass().resolve(r.output()), seed);
        }
    }

    @Test
    void unsupportedOperatorOnTheGradientPathNamesOpNodeAndSupportedOps() {
        ModelProto model = ModelBuilder.opset(17).input("x", 1, 4)
                .node("Relu", "r", List.of("x"))
                .node("Cos", "c", List.of("r"))
                .node("Round", "y", List.of("c"))
                .output("y").build();
        try (OnnxModel m = OnnxModel.of(model, "round", OnnxOptions.parse(CPU))) {
            FloatTensor x = FloatTensor.zeros(Shape.of(1, 4));
            UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class, () -> m.run(
                    PassRequest.builder(x).tap("r").seed(new Seed.OfShape(s -> FloatTensor.full(s, 1))).build()));
            assertEquals("Round", e.opType());
            assertTrue(e.getMessage().contains("/round_2"), e.getMessage());
            assertTrue(e.getMessage().contains("Conv") && e.getMessage().contains("MaxPool"), e.getMessage());
            // Forward passes need no rules.
            assertEquals(Shape.of(1, 4), m.forward(x).shape());
        }
    }

    @Test
    void headAroundASkipConnectionIsRefusedNamingTheValue() {
        ModelProto model = ModelBuilder.opset(17).input("x", -1, 4)
                .node("Relu", "a", List.of("x"))
                .node("Sigmoid", "b", List.of("a"))
                .node("Add", "y", List.of("a", "b"))
                .output("y").build();
        try (OnnxModel m = OnnxModel.of(model, "skip", OnnxOptions.parse(CPU))) {
            FloatTensor acts = FloatTensor.zeros(Shape.of(3, 4));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> m.runHead("b", acts, null));
            assertTrue(e.getMessage().contains("'a'"), e.getMessage());
            assertEquals(Shape.of(3, 4), m.runHead("a", acts, null).shape());
        }
    }

    @Test
    void badInputsAndOptionsAreClearErrors() {
        try (OnnxModel m = OnnxModel.of(reluNet(), "relu-net", OnnxOptions.parse(CPU))) {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> m.forward(FloatTensor.zeros(Shape.of(2, 5))));
            assertTrue(e.getMessage().contains("[?, 4]") && e.getMessage().contains("[2, 5]"), e.getMessage());
            UnknownLayerException u = assertThrows(UnknownLayerException.class,
                    () -> m.run(PassRequest.builder(x()).tap("rr").build()));
            assertTrue(u.nearest().contains("r"), u.getMessage());
            assertThrows(InvalidInputException.class, () -> m.run(PassRequest.builder(x()).output("nope").build()));
        }
        InvalidInputException bad = assertThrows(InvalidInputException.class,
                () -> OnnxOptions.parse(Map.of("threads", "2")));
        assertTrue(bad.getMessage().contains("intraOpThreads"), bad.getMessage());
        assertThrows(InvalidInputException.class, () -> OnnxOptions.parse(Map.of("executionProvider", "tpu")));
        assertThrows(InvalidInputException.class, () -> OnnxOptions.parse(Map.of("intraOpThreads", "two")));
        InvalidInputException spin = assertThrows(InvalidInputException.class,
                () -> OnnxOptions.parse(Map.of("allowSpinning", "no")));
        assertTrue(spin.getMessage().contains("true or false"), spin.getMessage());
    }

    @Test
    void threadsThatDoNotSpinComputeTheSameResults() {
        assertTrue(OnnxOptions.defaults().allowSpinning(), "ONNX Runtime's own default");
        OnnxOptions quiet = OnnxOptions.parse(Map.of("executionProvider", "cpu", "allowSpinning", "False"));
        assertFalse(quiet.allowSpinning());
        try (OnnxModel a = OnnxModel.of(reluNet(), "relu-net", OnnxOptions.parse(CPU));
             OnnxModel b = OnnxModel.of(reluNet(), "relu-net", quiet)) {
            assertArrayEquals(a.forward(x()).toArray(), b.forward(x()).toArray());
        }
    }

    @Test
    void variantsAreCachedAndBounded() {
        OnnxOptions o = OnnxOptions.parse(Map.of("executionProvider", "cpu", "cacheSize", "2",
                "intraOpThreads", "1", "optimizationLevel", "basic"));
        try (OnnxModel m = OnnxModel.of(reluNet(), "relu-net", o)) {
            for (int n = 1; n <= 4; n++) {
                FloatTensor x = FloatTensor.zeros(Shape.of(n, 4));
                assertEquals(Shape.of(n, 3), m.forward(x).shape());
                assertEquals(Shape.of(n, 3), m.forward(x).shape());
            }
        }
    }

    @Test
    void layersAreListedInTopologicalOrderWithShapes() {
        try (OnnxModel m = OnnxModel.of(reluNet(), "relu-net", OnnxOptions.parse(CPU))) {
            List<LayerInfo> layers = m.layers();
            assertEquals(List.of("r", "y"), layers.stream().map(LayerInfo::name).toList());
            assertEquals(Shape.of(-1, 4), layers.get(0).shape());
            assertEquals("Relu", layers.get(0).op());
            assertEquals("CPU", m.executionProvider());
            assertTrue(m.provenance().get("onnxruntime").startsWith("1."));
        }
    }

    @Test
    void automaticProviderFallsBackToCpuWithAReasonWithoutAnNvidiaDriver() {
        org.junit.jupiter.api.Assumptions.assumeFalse(java.nio.file.Files.exists(
                Path.of("/proc/driver/nvidia/version")), "this machine has an NVIDIA driver");
        try (OnnxModel m = OnnxModel.of(reluNet(), "relu-net", OnnxOptions.defaults())) {
            assertEquals("CPU", m.executionProvider());
            assertTrue(m.provenance().get("executionProviderReason").contains("NVIDIA"),
                    m.provenance().toString());
        }
    }

    @Test
    void providerIsFoundByTheRegistryAndLoadsFiles() {
        Path file = FixtureTest.fixtures().resolve("vgg.onnx");
        assertEquals("onnx", BackendRegistry.choose(file, null).name());
        try (DifferentiableModel m = Models.load(file, "onnx", CPU)) {
            assertEquals("onnx", m.backendName());
            FloatTensor x = FloatTensor.zeros(m.inputs().get(0).shape().withDim(0, 1));
            assertEquals(1, m.forward(x).shape().dim(0));
        }
    }

    @Test
    void manyThreadsShareOneModel() throws Exception {
        try (OnnxModel m = OnnxModel.of(reluNet(), "relu-net", OnnxOptions.parse(CPU))) {
            Random r = new Random(3);
            List<Thread> threads = new java.util.ArrayList<>();
            java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
            for (int t = 0; t < 6; t++) {
                int n = 1 + r.nextInt(3);
                threads.add(new Thread(() -> {
                    try {
                        for (int i = 0; i < 20; i++) {
                            m.run(PassRequest.builder(FloatTensor.full(Shape.of(n, 4), 1)).tap("r")
                                    .seed(new Seed.TopClass()).inputGradient(true).build());
                        }
                    } catch (Throwable e) {
                        failure.set(e);
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread t : threads) {
                t.join();
            }
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
        }
    }
}
