package dev.gradcam.onnx.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.method.ConceptFactorization;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.onnx.runtime.OnnxModel;
import dev.gradcam.testsupport.OnnxFixtures;
import dev.gradcam.testsupport.TestResources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every CAM method of gradcam-api, run through the ONNX backend on the 8 fixture architectures, against the raw maps
 * {@code methods/make_method_fixtures.py} computed in float64 PyTorch/NumPy from the published formulas: relative L2
 * error at most 1e-4 (issue 4). Targets as in the fixtures: image 0 explains logit 1, image 1 logit 3.
 */
class MethodReferenceTest {

    private static final double TOLERANCE = 1e-4;
    private static final List<Target> TARGETS = List.of(Targets.classLogit(1), Targets.classLogit(3));
    private static final Map<String, OnnxModel> MODELS = new ConcurrentHashMap<>();

    static Path resource(String dir) {
        return TestResources.path("/dev/gradcam/onnx/" + dir);
    }

    /** (arch, module, tensor, method) for every reference file ARCH/METHOD__MODULE.npy. */
    static Stream<Arguments> layerMethods() throws IOException {
        List<Arguments> out = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(resource("methods"))) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                String arch = dir.getFileName().toString();
                for (OnnxFixtures.Tap tap : OnnxFixtures.taps(arch)) {
                    String suffix = "__" + tap.module() + ".npy";
                    try (Stream<Path> files = Files.list(dir)) {
                        for (Path f : files.sorted().toList()) {
                            String name = f.getFileName().toString();
                            if (name.endsWith(suffix)) {
                                out.add(Arguments.of(arch, tap.module(), tap.tensor(),
                                        name.substring(0, name.length() - suffix.length())));
                            }
                        }
                    }
                }
            }
        }
        return out.stream();
    }

    static Stream<String> archs() throws IOException {
        try (Stream<Path> dirs = Files.list(resource("methods"))) {
            return dirs.filter(Files::isDirectory).map(p -> p.getFileName().toString()).sorted().toList().stream();
        }
    }

    private static OnnxModel model(String arch) {
        return MODELS.computeIfAbsent(arch, a -> OnnxModel.load(resource("fixtures").resolve(a + ".onnx"),
                Map.of("executionProvider", "cpu")));
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(OnnxModel::close);
        MODELS.clear();
    }

    /** The method a reference file name stands for, with the settings the script used. */
    private static Explainer.Builder explainer(OnnxModel model, String reference) {
        CamMethod method = switch (reference) {
            case "grad-cam-eigen-smooth", "grad-cam-rest", "grad-cam-softmax" -> CamMethods.gradCam();
            case "score-cam-pytorch" -> CamMethods.scoreCam().pytorchGradCam();
            case "deep-feature-factorization" -> CamMethods.deepFeatureFactorization().withIterations(200, 0);
            default -> CamMethods.byName(reference);
        };
        // Every fixture has convolution biases or batch norms, so the backend has every capability a method needs:
        // a missing one is a regression, not a reason to skip the reference.
        assertTrue(model.capabilities().containsAll(method.requiredCapabilities()),
                () -> reference + " needs " + method.requiredCapabilities() + "; the backend has "
                        + model.capabilities());
        return Explainer.of(model, method).eigenSmooth(reference.equals("grad-cam-eigen-smooth"))
                .activation(MapActivation.SIGNED).normalization(Normalizations.none()).upsample(false);
    }

    /** The fixture targets (logits of classes 1 and 3), or the targets a reference file name says. */
    private static List<Target> targets(String reference) {
        return switch (reference) {
            case "grad-cam-rest" -> List.of(Targets.rest(1), Targets.rest(3));
            case "grad-cam-softmax" -> List.of(Targets.classProbability(1), Targets.classProbability(3));
            default -> TARGETS;
        };
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("layerMethods")
    void rawMapsMatchTheReference(String arch, String module, String tensor, String reference) {
        OnnxModel model = model(arch);
        FloatTensor input = Npy.read(resource("fixtures").resolve(arch).resolve("input.npy"));
        FloatTensor expected = Npy.read(resource("methods").resolve(arch).resolve(reference + "__" + module + ".npy"));
        Explanation e = explainer(model, reference).layer(tensor).build().explain(input, targets(reference));
        assertEquals(expected.shape(), e.rawMaps().shape());
        for (int i = 0; i < 2; i++) {
            if (reference.equals("deep-feature-factorization") && nearTie(e.concepts().orElseThrow(), i)) {
                continue; // two concepts score alike: which one is shown is a coin toss at float32 precision
            }
            double err = e.rawMaps().slice(i).relativeError(expected.slice(i));
            assertTrue(err <= TOLERANCE, arch + " " + module + " " + reference + " image " + i
                    + ": relative L2 error " + err);
        }
    }

    /**
     * FullGrad at input resolution, with the backend's own bias gradients ({@link Capability#BIAS_GRADIENTS}: Conv
     * biases and BatchNormalization effective biases, the same layer set as the reference script's
     * Conv2d-with-bias and BatchNorm2d modules).
     */
    @ParameterizedTest(name = "{0} full-grad")
    @MethodSource("archs")
    void fullGradMatchesTheReference(String arch) {
        OnnxModel model = model(arch);
        assertTrue(model.capabilities().contains(Capability.BIAS_GRADIENTS), arch + " has bias layers");
        FloatTensor input = Npy.read(resource("fixtures").resolve(arch).resolve("input.npy"));
        FloatTensor expected = Npy.read(resource("methods").resolve(arch).resolve("full-grad.npy"));
        Explanation e = Explainer.of(model, CamMethods.fullGrad()).activation(MapActivation.SIGNED)
                .normalization(Normalizations.none()).upsample(false).build().explain(input, TARGETS);
        double err = e.rawMaps().relativeError(expected);
        assertTrue(err <= TOLERANCE, arch + " full-grad: relative L2 error " + err);
    }

    private static boolean nearTie(ConceptFactorization cf, int image) {
        float[] s = cf.conceptTargetScores().orElseThrow().slice(image).toArray();
        java.util.Arrays.sort(s);
        return s.length > 1 && s[s.length - 1] - s[s.length - 2] <= 1e-3 * Math.max(1, Math.abs(s[s.length - 1]));
    }
}
