package dev.gradcam.onnx.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CAM methods on 5-D feature maps [N, K, d, h, w] of a Conv3d model (ONNX Runtime backend: Conv 3-D, BatchNorm folded,
 * SiLU and GlobalAveragePool backward rules), against {@code conv3d/make_conv3d_fixture.py}: raw maps computed in
 * float64 with torch.autograd from the formulas with sums over d, h and w, relative L2 error at most 1e-4.
 */
class Conv3dMethodsTest {

    private static final double TOLERANCE = 1e-4;
    private static final List<Target> TARGETS = List.of(Targets.classLogit(1), Targets.classLogit(3));
    private static final Map<String, String> TAPS = Map.of("features.2", "/features/features.2/Relu_output_0",
            "features.4", "/features/features.4/Mul_output_0");
    private static OnnxModel model;
    private static FloatTensor input;

    @BeforeAll
    static void load() {
        model = OnnxModel.load(dir().resolve("conv3d.onnx"), Map.of("executionProvider", "cpu"));
        input = Npy.read(dir().resolve("input.npy"));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static Path dir() {
        return MethodReferenceTest.resource("conv3d");
    }

    static Stream<Arguments> references() {
        return TAPS.keySet().stream().sorted().flatMap(tap -> Stream.of("grad-cam", "grad-cam-plus-plus", "xgrad-cam",
                "hires-cam", "grad-cam-elementwise", "layer-cam", "eigen-cam", "eigen-grad-cam", "seg-eigen-cam",
                "kpca-cam", "fem", "ablation-cam").map(m -> Arguments.of(tap, m)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("references")
    void rawMapsMatchTheReference(String tap, String method) {
        FloatTensor expected = Npy.read(dir().resolve(method + "__" + tap + ".npy"));
        Explanation e = Explainer.of(model, method).layer(TAPS.get(tap)).activation(MapActivation.SIGNED)
                .normalization(Normalizations.none()).upsample(false).build().explain(input, TARGETS);
        assertEquals(expected.shape(), e.rawMaps().shape());
        for (int i = 0; i < 2; i++) {
            double err = e.rawMaps().slice(i).relativeError(expected.slice(i));
            assertTrue(err <= TOLERANCE, tap + " " + method + " image " + i + ": relative L2 error " + err);
        }
    }

    static Stream<Arguments> secondOrder() {
        return TAPS.keySet().stream().sorted().flatMap(tap -> Stream.of("logit", "softmax", "rest")
                .map(t -> Arguments.of(tap, t)));
    }

    /** ShapleyCAM on 5-D maps against torch's double backward ({@code hessian/make_hessian_fixtures.py conv3d}). */
    @ParameterizedTest(name = "shapley-cam {0} {1}")
    @MethodSource("secondOrder")
    void shapleyCamOnVolumesMatchesTorch(String tap, String target) {
        FloatTensor expected = Npy.read(dir().resolve("shapley-cam-" + target + "__" + tap + ".npy"));
        List<Target> targets = switch (target) {
            case "softmax" -> List.of(Targets.classProbability(1), Targets.classProbability(3));
            case "rest" -> List.of(Targets.rest(1), Targets.rest(3));
            default -> TARGETS;
        };
        Explanation e = Explainer.of(model, "shapley-cam").layer(TAPS.get(tap)).activation(MapActivation.SIGNED)
                .normalization(Normalizations.none()).upsample(false).build().explain(input, targets);
        assertEquals(expected.shape(), e.rawMaps().shape());
        for (int i = 0; i < 2; i++) {
            double err = e.rawMaps().slice(i).relativeError(expected.slice(i));
            assertTrue(err <= TOLERANCE, tap + " " + target + " image " + i + ": relative L2 error " + err);
        }
    }

    @Test
    void heatmapsAreUpsampledTrilinearlyToTheInputVolume() {
        FloatTensor expected = Npy.read(dir().resolve("grad-cam-heatmap.npy"));
        Explanation e = Explainer.gradCam(model).layer(TAPS.get("features.4")).build().explain(input, TARGETS);
        assertEquals(Shape.of(2, 4, 8, 8), e.heatmaps().shape());
        assertTrue(e.heatmaps().relativeError(expected) <= TOLERANCE, "error " + e.heatmaps().relativeError(expected));
    }

    @Test
    void methodsThatNeedImagesSayWhichOnesWork() {
        InvalidInputException score = assertThrows(InvalidInputException.class, () -> Explainer.of(model,
                CamMethods.scoreCam()).layer(TAPS.get("features.4")).build().explain(input, TARGETS));
        assertTrue(score.getMessage().contains("score-cam works on 2-D feature maps")
                && score.getMessage().contains("fem"), score.getMessage());
        InvalidInputException layers = assertThrows(InvalidInputException.class, () -> Explainer.gradCam(model)
                .layers(TAPS.get("features.2"), TAPS.get("features.4")).build().explain(input, TARGETS));
        assertTrue(layers.getMessage().contains("exactly one 3-D feature map layer"), layers.getMessage());
    }
}
