package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.FiniteDifferences;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import dev.gradcam.api.testing.RestrictedModel;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Vanilla, guided and deconvnet saliency. Hand values on {@link HandModel}: its convolution copies channel k to map k,
 * so d logit_c / d x_k = w_ck [x_k > 0] with w = {@link HandModel#WEIGHTS}; for class 0, w = [1, -0.5, 0.01] and
 * x0 = [1, 2, 3, 4], x1 = [4, 0, -1, 2], x2 = [-1, -1, 1, 1].
 */
class GradientSaliencyTest {

    private static final float EPS = 1e-6f;

    @Test
    void vanillaMatchesFiniteDifferencesOfTheForwardPass() {
        InMemoryCnn model = InMemoryCnn.random(5, 2, 4, 3, 4, 3);
        FloatTensor x = model.randomInput(11, 2);
        Attribution a = Saliency.vanilla(model).attribute(x, List.of(Targets.classLogit(1), Targets.classLogit(2)));
        assertEquals(x.shape(), a.attributions().shape());
        for (int i = 0; i < 2; i++) {
            int cls = i + 1;
            FloatTensor xi = x.slice(i).reshape(Shape.of(1, 2, 4, 3));
            FloatTensor numeric = FiniteDifferences.gradient(t -> model.forward(t).get(0, cls), xi, 1e-3);
            double err = a.attribution(i).relativeError(numeric.reshape(Shape.of(2, 4, 3)));
            assertTrue(err < 2e-3, "image " + i + ": relative error " + err);
            assertEquals(model.forward(xi).get(0, cls), a.score(i), 1e-5);
            assertEquals(cls, a.targetClass(i));
        }
        assertEquals("vanilla-backprop", a.method());
        assertEquals("standard", a.provenance().gradientMode());
    }

    @Test
    void vanillaGuidedAndDeconvnetMatchTheHandDerivedGradients() {
        try (InMemoryCnn model = HandModel.model()) {
            FloatTensor x = HandModel.image();
            assertArrayEquals(new float[] {1, 1, 1, 1, -0.5f, 0, 0, -0.5f, 0, 0, 0.01f, 0.01f},
                    Saliency.vanilla(model).attribute(x, Targets.classLogit(0)).attributions().toArray(), EPS);
            // Guided: the negative gradient of channel 1 is blocked at the ReLU.
            assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0.01f, 0.01f},
                    Saliency.guided(model).attribute(x, Targets.classLogit(0)).attributions().toArray(), EPS);
            // Deconvnet: ReLU of the gradient, whatever the input's sign.
            assertArrayEquals(new float[] {1, 1, 1, 1, 0, 0, 0, 0, 0.01f, 0.01f, 0.01f, 0.01f},
                    Saliency.deconvnet(model).attribute(x, Targets.classLogit(0)).attributions().toArray(), EPS);
        }
    }

    @Test
    void batchesGiveEachImageItsOwnTarget() {
        try (InMemoryCnn model = HandModel.model()) {
            Attribution a = Saliency.vanilla(model).attribute(HandModel.batchOfTwo(),
                    List.of(Targets.classLogit(0), Targets.classLogit(1)));
            // Class 1: w = [-1, 2, 0.5].
            assertArrayEquals(new float[] {-1, -1, -1, -1, 2, 0, 0, 2, 0, 0, 0.5f, 0.5f},
                    a.attribution(1).toArray(), EPS);
            assertArrayEquals(new float[] {1, 1, 1, 1}, java.util.Arrays.copyOf(a.attribution(0).toArray(), 4), EPS);
        }
    }

    @Test
    void gradientTimesInputIsTheInputTimesTheHandGradientAndSumsToTheLogit() {
        try (InMemoryCnn model = HandModel.model()) {
            Attribution a = Saliency.gradientTimesInput(model).attribute(HandModel.image(), Targets.classLogit(0));
            assertArrayEquals(new float[] {1, 2, 3, 4, -2, 0, 0, -1, 0, 0, 0.01f, 0.01f},
                    a.attributions().toArray(), EPS);
            // No biases and ReLU: the network is positively homogeneous, so the sum is the logit, 7.02.
            assertEquals(7.02, a.attributions().sum(), 1e-5);
            assertEquals(7.02, a.score(0), 1e-5);
            assertEquals("gradient-x-input", a.method());
        }
    }

    @Test
    void theDefaultTargetIsTheTopClass() {
        try (InMemoryCnn model = HandModel.model()) {
            // logit 0 = 7.02, logit 1 = 4 * (-2.5 + 3 + 0.25) = 3: the top class is 0.
            Attribution a = Saliency.vanilla(model).attribute(HandModel.image());
            assertEquals(0, a.targetClass(0));
            assertEquals("top class", a.target(0));
        }
    }

    @Test
    void backendsWithoutInputGradientsOrTheModeAreRejectedWithAHint() {
        InMemoryCnn model = HandModel.model();
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> Saliency.vanilla(RestrictedModel.without(model, Capability.INPUT_GRADIENT)));
        assertEquals(Capability.INPUT_GRADIENT, e.capability());
        assertTrue(e.getMessage().contains("Explainer"), e.getMessage());
        UnsupportedCapabilityException mode = assertThrows(UnsupportedCapabilityException.class,
                () -> GradientSaliency.of(model, new GradientMode("no-such-mode")));
        assertTrue(mode.getMessage().contains("guided"), mode.getMessage());
    }
}
