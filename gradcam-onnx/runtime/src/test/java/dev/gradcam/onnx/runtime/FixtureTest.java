package dev.gradcam.onnx.runtime;

import static dev.gradcam.api.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcam.api.io.Npy;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.Tensors;
import dev.gradcam.testsupport.OnnxFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX backend against PyTorch autograd on small versions of common architectures (ResNet basic and bottleneck
 * blocks, VGG with overlapping max-pool, DenseNet concat, MobileNetV2 depthwise + ReLU6, EfficientNet SiLU + SE,
 * SqueezeNet fire, ConvNeXt LayerNorm + GELU), exported by {@code fixtures/make_fixtures.py}: activations, gradients
 * (standard and guided) at module paths, and input gradients must match to 1e-4 relative L2 error.
 */
class FixtureTest {

    private static final double TOLERANCE = 1e-4;
    private static final Map<String, OnnxModel> MODELS = new ConcurrentHashMap<>();

    static Path fixtures() {
        return OnnxFixtures.root();
    }

    /**
     * A fresh CPU model of the ResNet basic-block fixture (batch normalisation, max pooling, residual additions), the
     * model the backend-independent contract tests run on.
     */
    static OnnxModel resnetBasic() {
        return OnnxModel.load(fixtures().resolve("resnet_basic.onnx"), Map.of("executionProvider", "cpu"));
    }

    /** {@code n} standard-normal 3x32x32 images, the input of {@link #resnetBasic()}, from {@code seed}. */
    static FloatTensor resnetBasicInput(int n, long seed) {
        return Tensors.gaussian(Shape.of(n, 3, 32, 32), seed);
    }

    static Stream<Arguments> taps() {
        return OnnxFixtures.allTaps().stream().map(t -> Arguments.of(t.arch(), t.module(), t.tensor()));
    }

    private static OnnxModel model(String arch) {
        return MODELS.computeIfAbsent(arch, a -> OnnxModel.load(fixtures().resolve(a + ".onnx"),
                Map.of("executionProvider", "cpu")));
    }

    private static FloatTensor npy(String arch, String file) {
        return Npy.read(fixtures().resolve(arch).resolve(file));
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(OnnxModel::close);
        MODELS.clear();
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("taps")
    void matchesPyTorch(String arch, String module, String tensor) {
        OnnxModel model = model(arch);
        String tap = model.resolveLayer(module).name();
        assertEquals(tensor, tap, "module path " + module + " resolves to the module's output");
        FloatTensor x = npy(arch, "input.npy");
        FloatTensor seed = npy(arch, "seed.npy");
        String safe = module;
        for (GradientMode mode : List.of(GradientMode.STANDARD, GradientMode.GUIDED)) {
            PassResult r = model.run(PassRequest.builder(x).tap(tap).inputGradient(true).mode(mode)
                    .seed(new Seed.OfShape(s -> seed)).build());
            String suffix = mode.equals(GradientMode.GUIDED) ? "_guided" : "";
            assertClose(npy(arch, "logits.npy"), r.output(), TOLERANCE, arch + " logits");
            assertClose(npy(arch, "act__" + safe + ".npy"), r.activation(tap), TOLERANCE,
                    arch + " " + module + " activations");
            assertClose(npy(arch, "grad" + suffix + "__" + safe + ".npy"), r.gradient(tap), TOLERANCE,
                    arch + " " + module + " " + mode + " gradient");
            assertClose(npy(arch, "input_grad" + suffix + ".npy"), r.inputGradient().orElseThrow(), TOLERANCE,
                    arch + " " + mode + " input gradient");
        }
    }
}
