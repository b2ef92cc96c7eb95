package dev.gradcam.api.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class CamMethodsTest {

    /** The methods for CNNs (the rollouts need attention layers: they are checked on transformers in gradcam-onnx). */
    static List<String> names() {
        return CamMethods.names().stream().filter(n -> !n.endsWith("attention-rollout")).toList();
    }

    @Test
    void everyIssueMethodHasAKebabCaseName() {
        assertEquals(List.of("grad-cam", "grad-cam-plus-plus", "xgrad-cam", "hires-cam", "grad-cam-elementwise",
                "layer-cam", "eigen-cam", "eigen-grad-cam", "score-cam", "ablation-cam", "full-grad",
                "deep-feature-factorization", "random-cam", "fem", "shapley-cam", "kpca-cam", "seg-eigen-cam", "finer-cam",
                "refine-cam", "attention-rollout", "grad-attention-rollout"), CamMethods.names());
    }

    @Test
    void rolloutsOnAModelWithoutAttentionSaySo() {
        InMemoryCnn model = InMemoryCnn.random(17, 2, 5, 4, 6, 5);
        for (String name : List.of("attention-rollout", "grad-attention-rollout")) {
            dev.gradcam.api.InvalidInputException e = assertThrows(dev.gradcam.api.InvalidInputException.class,
                    () -> Explainer.of(model, name).build().explain(model.randomInput(23, 1)));
            assertTrue(e.getMessage().contains("no attention probabilities"), e.getMessage());
        }
    }

    @Test
    void lookupIsForgivingAboutCaseAndUnderscoresAndListsTheNamesOnAMiss() {
        assertEquals("score-cam", CamMethods.byName(" Score_CAM ").name());
        GradCamException e = assertThrows(GradCamException.class, () -> CamMethods.byName("gradcam"));
        assertTrue(e.getMessage().contains("unknown CAM method 'gradcam'") && e.getMessage().contains("grad-cam, "),
                e.getMessage());
    }

    @ParameterizedTest
    @MethodSource("names")
    void everyMethodExplainsABatchWithATargetPerImage(String name) {
        InMemoryCnn model = InMemoryCnn.random(17, 2, 5, 4, 6, 5);
        FloatTensor x = model.randomInput(23, 3);
        List<Target> targets = List.of(Targets.classLogit(0), Targets.classProbability(2), Targets.topClass());
        CamMethod method = CamMethods.byName(name);
        assertEquals(name, method.name());
        if (!model.capabilities().containsAll(method.requiredCapabilities())) {
            // ShapleyCAM's second order: this backend has none, and says so (the ONNX tests run it).
            dev.gradcam.api.UnsupportedCapabilityException u = assertThrows(
                    dev.gradcam.api.UnsupportedCapabilityException.class,
                    () -> Explainer.of(model, method).layer("relu").build());
            assertTrue(u.getMessage().contains("'" + name + "' needs it"), u.getMessage());
            return;
        }
        Explanation e = Explainer.of(model, method).layer("relu").build().explain(x, targets);
        assertEquals(Shape.of(3, 6, 5), e.heatmaps().shape());
        assertEquals(3, e.rawMaps().shape().dim(0));
        assertTrue(e.heatmaps().allFinite() && e.rawMaps().allFinite(), name);
        assertEquals(name, e.provenance().method());
        for (int i = 0; i < 3; i++) {
            assertTrue(e.weights(i).allFinite());
            assertTrue(e.heatmap(i).min() >= 0 && e.heatmap(i).max() <= 1 + 1e-6, name);
        }
        // The maps of image 1 do not depend on its batch neighbours (DFF shares concepts across the batch, and
        // Random-CAM's draws depend on the position in the batch, so neither is batch-independent by design).
        if (!name.equals("deep-feature-factorization") && !name.equals("random-cam")) {
            Explanation alone = Explainer.of(model, method).layer("relu").build()
                    .explain(FloatTensor.stack(List.of(x.slice(1))), targets.get(1));
            assertEquals(0, alone.rawMaps().slice(0).relativeError(e.rawMaps().slice(1)), 1e-5, name);
        }
    }
}
