package dev.gradcam.onnx.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.method.AugSmoothing;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.method.Compatibility;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.onnx.runtime.OnnxModel;
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
 * {@link Compatibility#PYTORCH_GRAD_CAM} on the ONNX backend against {@code compat/make_compat_fixtures.py}: final
 * heatmaps [2, 32, 32] computed in float64 with pytorch-grad-cam master's formulas and pipeline (Grad-CAM++ eps,
 * Score-CAM channel softmax and corner-aligned masks, Ablation-CAM's compounding ablation value, FullGrad per-channel
 * scaling, per-layer min-max, cv2 resize, mean over layers and the second min-max, aug-smoothing with ttach's flip and
 * multipliers; FEM, KPCA-CAM, Seg-Eigen-CAM, Finer-CAM, Refine-CAM, ShapleyCAM). Relative L2 error at most 1e-4 for every method on the 8 fixture architectures.
 */
class CompatReferenceTest {

    private static final double TOLERANCE = 1e-4;
    private static final Pattern ENTRY = Pattern.compile("\"arch\": \"([^\"]+)\",\\s*\"tap\": \"[^\"]+\",\\s*"
            + "\"onnx_tensor\": \"([^\"]+)\",\\s*\"first_tap\": \"[^\"]+\",\\s*\"first_onnx_tensor\": \"([^\"]+)\"");
    private static final List<Target> TARGETS = List.of(Targets.classLogit(1), Targets.classLogit(3));
    private static final Map<String, OnnxModel> MODELS = new ConcurrentHashMap<>();

    /** (arch, deepest tap tensor, first tap tensor, reference name) for every compat/ARCH/NAME.npy. */
    static Stream<Arguments> references() throws IOException {
        String json = Files.readString(MethodReferenceTest.resource("compat").resolve("manifest.json"));
        Matcher m = ENTRY.matcher(json);
        List<Arguments> out = new ArrayList<>();
        while (m.find()) {
            try (Stream<Path> files = Files.list(MethodReferenceTest.resource("compat").resolve(m.group(1)))) {
                for (Path f : files.sorted().toList()) {
                    String name = f.getFileName().toString();
                    out.add(Arguments.of(m.group(1), m.group(2), m.group(3),
                            name.substring(0, name.length() - ".npy".length())));
                }
            }
        }
        assertEquals(8, out.stream().map(a -> a.get()[0]).distinct().count(), "every fixture architecture");
        return out.stream();
    }

    private static OnnxModel model(String arch) {
        return MODELS.computeIfAbsent(arch, a -> OnnxModel.load(
                MethodReferenceTest.resource("fixtures").resolve(a + ".onnx"), Map.of("executionProvider", "cpu")));
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(OnnxModel::close);
        MODELS.clear();
    }

    @ParameterizedTest(name = "{0} {3}")
    @MethodSource("references")
    void heatmapsMatchPytorchGradCam(String arch, String tensor, String firstTensor, String reference) {
        OnnxModel model = model(arch);
        FloatTensor input = Npy.read(MethodReferenceTest.resource("fixtures").resolve(arch).resolve("input.npy"));
        FloatTensor expected = Npy.read(MethodReferenceTest.resource("compat").resolve(arch)
                .resolve(reference + ".npy"));
        Explainer.Builder b = switch (reference) {
            case "multi-layer" -> Explainer.gradCam(model).layers(firstTensor, tensor);
            case "refine-cam" -> Explainer.of(model, CamMethods.refineCam()).layers(firstTensor, tensor);
            case "aug-smooth" -> Explainer.gradCam(model).layer(tensor).augSmoothing(AugSmoothing.pytorchGradCam());
            default -> Explainer.of(model, CamMethods.byName(reference)).layer(tensor);
        };
        Explainer explainer = b.compatibility(Compatibility.PYTORCH_GRAD_CAM).build();
        // pytorch-grad-cam's aug_smooth is meant for targets=None: each augmented copy explains its own top class.
        Explanation e = reference.equals("aug-smooth") ? explainer.explain(input) : explainer.explain(input, TARGETS);
        assertEquals(expected.shape(), e.heatmaps().shape());
        for (int i = 0; i < 2; i++) {
            double err = e.heatmaps().slice(i).relativeError(expected.slice(i));
            assertTrue(err <= TOLERANCE, arch + " " + reference + " image " + i + ": relative L2 error " + err);
        }
    }
}
