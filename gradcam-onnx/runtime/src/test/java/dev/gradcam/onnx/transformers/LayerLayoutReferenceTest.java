package dev.gradcam.onnx.transformers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.runtime.OnnxModel;
import dev.gradcam.testsupport.TestResources;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Class-activation methods on token and channels-last layers of the small ViT, DeiT-style (two leading tokens) and
 * ConvNeXt-style models of {@code transformers/make_transformer_fixtures.py}, against its float64 torch references
 * (activations and gradients reshaped as pytorch-grad-cam's reshape_transform does, then the published formulas):
 * relative L2 error at most 1e-4. The layers are named by module path only; their layouts are detected.
 */
class LayerLayoutReferenceTest {

    private static final double TOLERANCE = 1e-4;
    private static final List<Target> TARGETS = List.of(Targets.classLogit(1), Targets.classLogit(3));
    private static final Map<String, String> LAYERS = Map.of("vit", "blocks.1.norm1", "deit", "blocks.1.norm1",
            "convnext", "blocks.1.norm");
    private static final List<String> METHODS = List.of("grad-cam", "grad-cam-plus-plus", "xgrad-cam", "hires-cam",
            "layer-cam", "eigen-cam", "ablation-cam");
    private static final Map<String, OnnxModel> MODELS = new ConcurrentHashMap<>();

    static Path resource(String name) {
        return TestResources.path("/dev/gradcam/onnx/transformers/" + name);
    }

    static OnnxModel model(String name) {
        return MODELS.computeIfAbsent(name, n -> OnnxModel.load(resource(n + ".onnx"),
                Map.of("executionProvider", "cpu")));
    }

    static FloatTensor input(String name) {
        return Npy.read(resource(name).resolve("input.npy"));
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(OnnxModel::close);
        MODELS.clear();
    }

    static Stream<Arguments> cases() {
        return LAYERS.keySet().stream().sorted().flatMap(m -> METHODS.stream().map(x -> Arguments.of(m, x)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void rawMapsMatchTheTorchReference(String name, String method) {
        OnnxModel model = model(name);
        Explanation e = Explainer.of(model, method).layer(LAYERS.get(name)).activation(MapActivation.SIGNED)
                .normalization(Normalizations.none()).upsample(false).build().explain(input(name), TARGETS);
        FloatTensor expected = Npy.read(resource(name).resolve(method + ".npy"));
        assertEquals(Shape.of(2, 8, 8), e.rawMaps().shape());
        for (int i = 0; i < 2; i++) {
            double err = e.rawMaps().slice(i).relativeError(expected.slice(i));
            assertTrue(err <= TOLERANCE, name + " " + method + " image " + i + ": relative L2 error " + err);
        }
    }

    @Test
    void layoutsAreDetectedFromTheGraph() {
        Map<String, String> expected = Map.of("vit", "tokens 1+8x8", "deit", "tokens 2+8x8", "convnext", "nhwc 8x8");
        expected.forEach((name, layout) -> {
            OnnxModel model = model(name);
            LayerInfo layer = model.resolveLayer(LAYERS.get(name));
            assertEquals(layout, model.layoutOf(layer).complete(layer).describe(), name);
            Explainer x = Explainer.gradCam(model).layer(LAYERS.get(name)).build();
            assertEquals(layout, x.layout(x.layer()).describe(), name);
        });
        // The patch embedding is channels first; the ConvNeXt block's depthwise convolution too.
        LayerInfo patch = model("vit").resolveLayer("patch");
        assertEquals(LayerLayout.Kind.CHANNELS_FIRST, model("vit").layoutOf(patch).kind());
        LayerInfo dw = model("convnext").resolveLayer("blocks.1.dw");
        assertEquals(LayerLayout.Kind.CHANNELS_FIRST, model("convnext").layoutOf(dw).kind());
    }

    @Test
    void autoPicksTheLastBlocksFirstNormalisationOfATransformer() {
        for (String name : List.of("vit", "deit")) {
            OnnxModel model = model(name);
            assertEquals(model.resolveLayer("blocks.1.norm1").name(), model.resolveLayer("auto").name(), name);
        }
    }

    @Test
    void anExplicitLayoutOverridesDetectionAndAWrongOneIsAClearError() {
        OnnxModel deit = model("deit");
        // Read as one leading token, DeiT's 66 tokens leave 65, which is no grid.
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Explainer.gradCam(deit)
                .layer("blocks.1.norm1").layerLayout(LayerLayout.tokens(1)).build());
        assertTrue(e.getMessage().contains("tokens:K"), e.getMessage());
        Explanation forced = Explainer.gradCam(deit).layer("blocks.1.norm1").layerLayout(LayerLayout.tokens(2))
                .activation(MapActivation.SIGNED).normalization(Normalizations.none()).upsample(false).build()
                .explain(input("deit"), TARGETS);
        assertTrue(forced.rawMaps().relativeError(Npy.read(resource("deit").resolve("grad-cam.npy"))) <= TOLERANCE);
        InvalidInputException rank = assertThrows(InvalidInputException.class, () -> Explainer.gradCam(deit)
                .layer("patch").layerLayout(LayerLayout.tokens(1)).build());
        assertTrue(rank.getMessage().contains("rank 3"), rank.getMessage());
    }

    @Test
    void everyOtherMethodRunsOnTokenLayersToo() {
        OnnxModel vit = model("vit");
        for (String method : CamMethods.names()) {
            if (!CamMethods.byName(method).usesLayers()) {
                continue;
            }
            Explanation e = Explainer.of(vit, method).layer("blocks.1.norm1").build().explain(input("vit"), TARGETS);
            assertEquals(Shape.of(2, 8, 8), e.rawMaps().shape(), method);
            assertEquals(Shape.of(2, 32, 32), e.heatmaps().shape(), method);
            assertTrue(e.heatmaps().allFinite(), method);
        }
    }
}
