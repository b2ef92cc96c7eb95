package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.io.Npy;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern MODULE = Pattern.compile("\"module\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern TENSOR = Pattern.compile("\"onnx_tensor\"\\s*:\\s*\"([^\"]+)\"");
    private static final Map<String, OnnxModel> MODELS = new ConcurrentHashMap<>();

    static Path fixtures() {
        try {
            return Path.of(FixtureTest.class.getResource("/dev/gradcam/onnx/fixtures").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
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
        Random r = new Random(seed);
        float[] d = new float[n * 3 * 32 * 32];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(Shape.of(n, 3, 32, 32), d);
    }

    static Stream<Arguments> taps() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(fixtures())) {
            for (Path dir : dirs.sorted().toList()) {
                Path manifest = dir.resolve("manifest.json");
                if (!Files.isRegularFile(manifest)) {
                    continue;
                }
                String json = Files.readString(manifest);
                Matcher m = MODULE.matcher(json);
                Matcher t = TENSOR.matcher(json);
                while (m.find() && t.find()) {
                    out.add(Arguments.of(dir.getFileName().toString(), m.group(1), t.group(1)));
                }
            }
        }
        return out.stream();
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
            check(arch + " logits", r.output(), npy(arch, "logits.npy"));
            check(arch + " " + module + " activations", r.activation(tap), npy(arch, "act__" + safe + ".npy"));
            check(arch + " " + module + " " + mode + " gradient", r.gradient(tap),
                    npy(arch, "grad" + suffix + "__" + safe + ".npy"));
            check(arch + " " + mode + " input gradient", r.inputGradient().orElseThrow(),
                    npy(arch, "input_grad" + suffix + ".npy"));
        }
    }

    private static void check(String what, FloatTensor actual, FloatTensor expected) {
        assertEquals(expected.shape(), actual.shape(), what + " shape");
        double err = actual.relativeError(expected);
        assertTrue(err < TOLERANCE, what + ": relative L2 error " + err + " >= " + TOLERANCE);
    }
}
