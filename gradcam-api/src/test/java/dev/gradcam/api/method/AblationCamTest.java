package dev.gradcam.api.method;

import static dev.gradcam.api.testing.Explainers.signedRaw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.CountingModel;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Ablation-CAM (Desai and Ramaswamy 2020, Eq. 3): w_k = (y - y_k) / y, y_k the score with map k switched off. */
class AblationCamTest {

    @Test
    void weightsByHandOnTheHandModel() {
        // logit_0 = 4 sum_k w_k mean(A_k) with w = [1, -0.5, 0.01] and mean A = [2.5, 1.5, 0.5]: y = 7.02, and
        // switching off map k removes 4 w_k mean(A_k), so (y - y_k) / y = 4 w_k mean(A_k) / y = [10, -3, 0.02] / 7.02.
        try (InMemoryCnn model = HandModel.model()) {
            Explanation e = signedRaw(model, CamMethods.ablationCam(), "relu").build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            assertArrayEquals(new float[] {10 / 7.02f, -3 / 7.02f, 0.02f / 7.02f}, e.weights(0).toArray(), 1e-5f);
        }
    }

    @Test
    void theDefaultTopClassTargetKeepsTheOriginalClassUnderAblation() {
        // Switching off map 0 makes class 1 the top class (logit 13 > -2.98); the weight must still be about class 0.
        try (InMemoryCnn model = HandModel.model()) {
            Explanation e = signedRaw(model, CamMethods.ablationCam(), "relu").build().explain(HandModel.image());
            assertArrayEquals(new float[] {10 / 7.02f, -3 / 7.02f, 0.02f / 7.02f}, e.weights(0).toArray(), 1e-5f);
            assertEquals("top class", e.target(0));
        }
    }

    @Test
    void headOnlyEqualsRerunningTheWholeModelWithTheChannelAblated() {
        // Reference: a copy of the model whose filter k is zero computes exactly "map k switched off" at the conv
        // and ReLU layers, running the whole model from the input.
        InMemoryCnn model = InMemoryCnn.random(11, 2, 5, 4, 6, 5);
        FloatTensor x = model.randomInput(3, 2);
        List<Target> targets = List.of(Targets.classLogit(1), Targets.classLogit(3));
        FloatTensor logits = model.forward(x);
        for (String layer : new String[] {"conv", "relu"}) {
            Explanation e = signedRaw(model, CamMethods.ablationCam().withMaxBatch(2), layer).build()
                    .explain(x, targets);
            for (int k = 0; k < 5; k++) {
                FloatTensor ablated = model.withFilterZeroed(k).forward(x);
                for (int i = 0; i < 2; i++) {
                    int c = i == 0 ? 1 : 3;
                    double y = logits.get(i, c);
                    double expected = (y - ablated.get(i, c)) / y;
                    assertEquals(expected, e.weights(i).getFlat(k), 1e-5 * Math.max(1, Math.abs(expected)),
                            layer + " image " + i + " channel " + k);
                }
            }
        }
    }

    @Test
    void theBackboneRunsOnceAndOnlyTheHeadRunsPerAblationBatch() {
        InMemoryCnn inner = InMemoryCnn.random(5, 2, 7, 3, 4, 4);
        CountingModel model = new CountingModel(inner);
        signedRaw(model, CamMethods.ablationCam().withMaxBatch(3), "relu").build().explain(inner.randomInput(1, 2));
        assertEquals(List.of(2), model.runBatches(), "one full pass for the whole batch");
        assertEquals(List.of(3, 3, 1, 3, 3, 1), model.headBatches(), "7 channels in batches of 3, per image");
    }

    @Test
    void pytorchGradCamAblationEqualsZeroingBeforeAReLU() {
        // At the conv layer the ablated channel feeds a ReLU, so "min - 1e7" and 0 give the same head output.
        InMemoryCnn model = InMemoryCnn.random(6, 2, 4, 3, 5, 5);
        FloatTensor x = model.randomInput(2, 1);
        Explanation zero = signedRaw(model, CamMethods.ablationCam(), "conv").build().explain(x);
        Explanation pt = signedRaw(model, CamMethods.ablationCam().withPytorchGradCamAblation(true), "conv").build()
                .explain(x);
        assertArrayEquals(zero.weights(0).toArray(), pt.weights(0).toArray(), 1e-6f);
    }

    @Test
    void withoutHeadExecutionTheErrorSaysWhatToUseInstead() {
        InMemoryCnn inner = HandModel.model();
        CountingModel noHead = new CountingModel(inner, Set.of(Capability.LAYER_GRADIENTS));
        UnsupportedCapabilityException ex = assertThrows(UnsupportedCapabilityException.class,
                () -> Explainer.of(noHead, "ablation-cam").build());
        assertTrue(ex.getMessage().contains("head execution") && ex.getMessage().contains("score-cam"),
                ex.getMessage());
        assertTrue(!ex.getMessage().contains("full-grad"), ex.getMessage());
    }

    @Test
    void aZeroScoreFallsBackToPlainDropsWithADiagnostic() {
        // HandModel's class logits on an all-negative image are 0 (every map is 0).
        try (InMemoryCnn model = HandModel.model()) {
            FloatTensor dark = FloatTensor.full(dev.gradcam.api.tensor.Shape.of(1, 3, 2, 2), -1f);
            Explanation e = signedRaw(model, CamMethods.ablationCam(), "relu").build()
                    .explain(dark, Targets.classLogit(0));
            assertTrue(e.weights(0).allFinite());
            assertTrue(e.diagnostics().stream().anyMatch(d -> d.contains("target score is 0")), e.diagnostics().toString());
        }
    }
}
