package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.FiniteDifferences;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import dev.gradcam.api.testing.RestrictedModel;
import org.junit.jupiter.api.Test;

/** The gradient of one feature map with respect to the input, through the layer-as-output extension of the SPI. */
class FeatureMapGradientTest {

    @Test
    void guidedGradientOfOneHandModelFeatureMap() {
        // Map 1 of the ReLU layer is max(x1, 0) = [4, 0, 0, 2]; sum |A1| = 6 and the guided gradient passes 1 where
        // x1 > 0, on channel 1 only.
        try (InMemoryCnn model = HandModel.model()) {
            Attribution a = Saliency.featureMapGradient(model, "relu").attribute(HandModel.image(), 1);
            assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0}, a.attributions().toArray(), 1e-7f);
            assertEquals(6, a.score(0), 1e-6);
            assertEquals("sum|map[1]|", a.target(0));
        }
    }

    @Test
    void standardModeMatchesFiniteDifferencesOfTheLayer() {
        InMemoryCnn model = InMemoryCnn.random(3, 2, 4, 3, 5, 4);
        FloatTensor x = model.randomInput(6, 2);
        Attribution a = FeatureMapGradient.of(model, "conv", GradientMode.STANDARD).attribute(x, new int[] {2, 3});
        for (int i = 0; i < 2; i++) {
            int k = i + 2;
            FloatTensor xi = x.slice(i).reshape(Shape.of(1, 2, 5, 4));
            FloatTensor numeric = FiniteDifferences.gradient(t -> absSum(model.run(PassRequest.builder(t)
                    .tap(InMemoryCnn.CONV).build()).activation(InMemoryCnn.CONV).slice(0).slice(k)), xi, 1e-3);
            double err = a.attribution(i).relativeError(numeric.reshape(Shape.of(2, 5, 4)));
            assertTrue(err < 1e-2, "image " + i + ": " + err);
        }
    }

    @Test
    void backendsThatCannotExplainLayersAndMissingFiltersFailClearly() {
        InMemoryCnn model = HandModel.model();
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> Saliency.featureMapGradient(RestrictedModel.without(model, Capability.LAYER_OUTPUT), "relu"));
        assertEquals(Capability.LAYER_OUTPUT, e.capability());
        InvalidInputException missing = assertThrows(InvalidInputException.class,
                () -> Saliency.featureMapGradient(model, "relu").attribute(HandModel.image(), 9));
        assertTrue(missing.getMessage().contains("valid: 0..2"), missing.getMessage());
    }

    private static double absSum(FloatTensor t) {
        double s = 0;
        for (int i = 0; i < t.size(); i++) {
            s += Math.abs(t.getFlat(i));
        }
        return s;
    }
}
