package dev.gradcam.onnx.inputs;

import static dev.gradcam.api.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Models;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Models with unusual inputs against torch.autograd in float64 ({@code inputs/make_input_fixtures.py}): an input
 * without a batch axis ([3, H, W]), two inputs (image + depth towers, a siamese pair; attributing to each with the
 * other fixed) and an embedding explained by cosine similarity to a reference. Outputs, input gradients and Grad-CAM
 * maps must match to 1e-4 relative L2 error.
 */
class InputsReferenceTest {

    private static final double TOLERANCE = 1e-4;
    private static final List<Target> LOGITS_1_3 = List.of(Targets.classLogit(1), Targets.classLogit(3));

    static Path dir() {
        try {
            return Path.of(InputsReferenceTest.class.getResource("/dev/gradcam/onnx/inputs").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OnnxModel load(String name) {
        return OnnxModel.load(dir().resolve(name + ".onnx"), Map.of("executionProvider", "cpu"));
    }

    private static FloatTensor npy(String path) {
        return Npy.read(dir().resolve(path));
    }

    private static PassResult inputGradient(DifferentiableModel model, FloatTensor x, List<Target> targets) {
        return model.run(PassRequest.builder(x).seed(Targets.seedFor(targets, targets.size())).inputGradient(true)
                .build());
    }

    @Test
    void inputWithoutBatchAxisRunsImageByImage() {
        try (OnnxModel model = load("unbatched")) {
            assertEquals(Shape.of(1, 3, 32, 32), model.inputs().get(0).shape(), "shown with a batch axis");
            FloatTensor x = npy("unbatched/input.npy");
            PassResult r = inputGradient(model, x, LOGITS_1_3);
            assertClose(npy("unbatched/logits.npy"), r.output(), TOLERANCE, "logits");
            assertClose(npy("unbatched/input_grad.npy"), r.inputGradient().orElseThrow(), TOLERANCE, "input gradient");
            assertClose(npy("unbatched/cam__features.1.npy"),
                    Explainer.gradCam(model).layer("features.1").build().explain(x, LOGITS_1_3).rawMaps(), TOLERANCE,
                    "Grad-CAM at features.1");
            // The default target (top class, found inside the graph for batched models) works the same way.
            assertEquals(2, Explainer.gradCam(model).layer("features.1").build().explain(x).rawMaps().shape().dim(0));
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> model.forward(FloatTensor.zeros(Shape.of(3, 32, 32))));
            assertTrue(e.getMessage().contains("one image [C, H, W] at a time"), e.getMessage());
        }
    }

    @Test
    void secondOrderRunsImageByImageWithEachImagesTargetCurvature() {
        // ShapleyCAM with ReST (curved in the output) on a model without a batch axis: each image of the batch gets
        // its own target's curvature, so the batch's maps are each image's alone; and the correction is not zero.
        try (OnnxModel model = load("unbatched")) {
            FloatTensor x = npy("unbatched/input.npy");
            List<Target> rest = List.of(Targets.rest(1), Targets.rest(3));
            Function<CamMethod, Explainer> explainer = m -> Explainer.of(model, m).layer("features.1")
                    .activation(MapActivation.SIGNED).normalization(Normalizations.none()).upsample(false).build();
            Explainer shapley = explainer.apply(CamMethods.shapleyCam());
            FloatTensor both = shapley.explain(x, rest).rawMaps();
            FloatTensor gradCam = explainer.apply(CamMethods.gradCam()).explain(x, rest).rawMaps();
            for (int i = 0; i < 2; i++) {
                FloatTensor alone = shapley.explain(FloatTensor.stack(List.of(x.slice(i))), rest.get(i)).rawMaps();
                assertClose(alone.slice(0), both.slice(i), TOLERANCE, "image " + i + " alone");
                assertTrue(both.slice(i).relativeError(gradCam.slice(i)) > 1e-3, "H A changes the weights");
            }
        }
    }

    @Test
    void twoTowersAttributeToEachInputWithTheOtherFixed() {
        FloatTensor rgb = npy("two_tower/rgb.npy");
        FloatTensor depth = npy("two_tower/depth.npy");
        try (OnnxModel model = load("two_tower")) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> model.forward(rgb));
            assertTrue(e.getMessage().contains("not given: [depth]"), e.getMessage());

            DifferentiableModel onRgb = Models.withFixedInputs(model, "rgb", Map.of("depth", depth));
            PassResult r = inputGradient(onRgb, rgb, LOGITS_1_3);
            assertClose(npy("two_tower/logits.npy"), r.output(), TOLERANCE, "logits");
            assertClose(npy("two_tower/grad_rgb.npy"), r.inputGradient().orElseThrow(), TOLERANCE, "d/d rgb");
            assertClose(npy("two_tower/cam__rgb_tower.npy"),
                    Explainer.gradCam(onRgb).layer("rgb_tower").build().explain(rgb, LOGITS_1_3).rawMaps(), TOLERANCE,
                    "Grad-CAM at rgb_tower");
            assertClose(npy("two_tower/cam__fusion.npy"),
                    Explainer.gradCam(onRgb).layer("fusion").build().explain(rgb, LOGITS_1_3).rawMaps(), TOLERANCE,
                    "Grad-CAM at fusion");

            DifferentiableModel onDepth = Models.withFixedInputs(model, "depth", Map.of("rgb", rgb));
            assertEquals("depth", onDepth.inputs().get(0).name());
            assertClose(npy("two_tower/grad_depth.npy"),
                    inputGradient(onDepth, depth, LOGITS_1_3).inputGradient().orElseThrow(), TOLERANCE, "d/d depth");
            assertThrows(InvalidInputException.class, () -> Models.withFixedInputs(model, "rgb", Map.of()));
            assertThrows(InvalidInputException.class,
                    () -> Models.withFixedInputs(model, "rgb", Map.of("depth", depth, "ir", depth)));
        }
    }

    @Test
    void siamesePairAttributesToEitherBranch() throws IOException {
        FloatTensor a = npy("siamese/a.npy");
        FloatTensor b = npy("siamese/b.npy");
        String branchA = Files.readString(dir().resolve("siamese/manifest.json"))
                .replaceAll("(?s).*\"branch_a_last_block\":\\s*\"([^\"]+)\".*", "$1");
        List<Target> similarity = List.of(Targets.classLogit(0), Targets.classLogit(0));
        try (OnnxModel model = load("siamese")) {
            DifferentiableModel onA = Models.withFixedInputs(model, "a", Map.of("b", b));
            PassResult r = inputGradient(onA, a, similarity);
            assertClose(npy("siamese/similarity.npy"), r.output(), TOLERANCE, "similarity");
            assertClose(npy("siamese/grad_a.npy"), r.inputGradient().orElseThrow(), TOLERANCE, "d/d a");
            assertClose(npy("siamese/cam_a.npy"),
                    Explainer.gradCam(onA).layer(branchA).build().explain(a, similarity).rawMaps(), TOLERANCE,
                    "Grad-CAM at branch a");
            DifferentiableModel onB = Models.withFixedInputs(model, "b", Map.of("a", a));
            assertClose(npy("siamese/grad_b.npy"), inputGradient(onB, b, similarity).inputGradient().orElseThrow(), TOLERANCE,
                    "d/d b");
        }
    }

    @Test
    void embeddingExplainedBySimilarityToAReferenceImage() {
        try (OnnxModel model = load("embedding")) {
            FloatTensor reference = model.forward(npy("embedding/reference.npy")).slice(0);
            assertClose(npy("embedding/reference_embedding.npy"), reference, TOLERANCE, "reference embedding");
            FloatTensor x = npy("embedding/input.npy");
            List<Target> targets = List.of(Targets.cosineSimilarity(reference), Targets.cosineSimilarity(reference));
            PassResult r = inputGradient(model, x, targets);
            assertClose(npy("embedding/embedding.npy"), r.output(), TOLERANCE, "embedding");
            assertClose(npy("embedding/input_grad.npy"), r.inputGradient().orElseThrow(), TOLERANCE, "input gradient");
            assertClose(npy("embedding/cam__body.2.npy"),
                    Explainer.gradCam(model).layer("/net/body/body.2/body.2.2/Relu_output_0").build().explain(x, targets).rawMaps(), TOLERANCE,
                    "Grad-CAM at module net.body.2 (its last ReLU)");
        }
    }
}
