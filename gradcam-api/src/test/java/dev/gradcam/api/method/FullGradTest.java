package dev.gradcam.api.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.CountingModel;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * FullGrad (Srinivas and Fleuret 2019): S = psi(|x .* grad_x f|) + sum_l sum_c psi(|b_c grad_z f_c|), built on the
 * full-gradient decomposition f(x) = grad_x f . x + sum_l grad_b f . b (their Eq. 2).
 */
class FullGradTest {

    private static Explanation explain(dev.gradcam.api.DifferentiableModel model, FullGrad m, FloatTensor x,
                                       int cls) {
        return Explainer.of(model, m).activation(MapActivation.SIGNED).normalization(Normalizations.none())
                .upsample(false).build().explain(x, Targets.classLogit(cls));
    }

    @Test
    void theSignedTermsAddUpToTheLogitLessTheClassifierBias() {
        // Completeness for a ReLU network: the input term plus the conv bias term equal logit - fc bias.
        InMemoryCnn model = InMemoryCnn.random(21, 3, 6, 4, 7, 6);
        FloatTensor x = model.randomInput(4, 2);
        FloatTensor logits = model.forward(x);
        for (int i = 0; i < 2; i++) {
            FloatTensor one = FloatTensor.stack(List.of(x.slice(i)));
            Explanation e = explain(model, CamMethods.fullGrad(), one, 2);
            assertEquals(2, e.weights(0).size(), "input term and one bias layer");
            double expected = logits.get(i, 2) - model.classifierBias(2);
            assertEquals(expected, e.weights(0).sum(), 1e-4 * Math.max(1, Math.abs(expected)));
        }
    }

    @Test
    void mapsByHandOnTheHandModel() {
        // HandModel class 0: d logit / d x_k = w_k [x_k > 0] with w = [1, -0.5, 0.01], conv biases 0. So
        // |x .* grad| = ch0 [1, 2, 3, 4], ch1 [2, 0, 0, 1], ch2 [0, 0, .01, .01]; the bias term is 0 (stays 0).
        try (InMemoryCnn model = HandModel.model()) {
            // Authors' psi: one min-max over all channels (max 4, eps 1e-6), then the channel sum.
            Explanation paper = explain(model, CamMethods.fullGrad(), HandModel.image(), 0);
            float d = 4 + 1e-6f;
            assertArrayEquals(new float[] {3 / d, 2 / d, 3.01f / d, 5.01f / d}, paper.rawMaps().toArray(), 1e-5f);
            // pytorch-grad-cam's psi: min-max per channel (eps 1e-7): [0, 1/3, 2/3, 1] + [1, 0, 0, .5] + [0, 0, 1, 1].
            Explanation perChannel = explain(model, CamMethods.fullGrad().withScaling(FullGrad.Scaling.PER_CHANNEL),
                    HandModel.image(), 0);
            assertArrayEquals(new float[] {1, 1f / 3, 5f / 3, 2.5f}, perChannel.rawMaps().toArray(), 1e-4f);
            assertArrayEquals(new float[] {7.02f, 0f}, paper.weights(0).toArray(), 1e-5f);
            assertEquals("full-gradient", paper.layer().name());
        }
    }

    @Test
    void needsInputAndBiasGradients() {
        CountingModel noBias = new CountingModel(HandModel.model(),
                Set.of(Capability.LAYER_GRADIENTS, Capability.INPUT_GRADIENT, Capability.HEAD_EXECUTION));
        UnsupportedCapabilityException ex = assertThrows(UnsupportedCapabilityException.class,
                () -> Explainer.of(noBias, "full-grad").build());
        assertTrue(ex.getMessage().contains("bias"), ex.getMessage());
        assertThrows(InvalidArgumentException.class,
                () -> PassRequest.builder(HandModel.image()).biasGradients(true).build());
    }

    @Test
    void chosenLayersAreIgnoredWithADiagnostic() {
        try (InMemoryCnn model = HandModel.model()) {
            Explanation e = Explainer.of(model, CamMethods.fullGrad()).layer("relu").build().explain(HandModel.image());
            assertEquals(dev.gradcam.api.tensor.Shape.of(1, 2, 2), e.rawMaps().shape());
            assertTrue(e.diagnostics().stream().anyMatch(m -> m.contains("ignored")), e.diagnostics().toString());
        }
    }
}
