package dev.gradcam.api.method;

import static dev.gradcam.api.testing.Explainers.signedRaw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explanation;
import dev.gradcam.api.cam.FeatureMapSelectors;
import dev.gradcam.api.cam.PrincipalComponent;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.CountingModel;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Eigen-CAM (Muhammad and Yeasin 2020) and Eigen-Grad-CAM through the explainer; the projection itself is checked by
 * hand in {@code PrincipalComponentTest}.
 */
class EigenCamTest {

    @Test
    void eigenCamIsThePrincipalComponentOfTheActivationsWithoutGradients() {
        InMemoryCnn inner = InMemoryCnn.random(4, 2, 6, 3, 5, 4);
        CountingModel model = new CountingModel(inner);
        FloatTensor x = inner.randomInput(1, 2);
        Explanation e = signedRaw(model, CamMethods.eigenCam(), "relu").build().explain(x);
        FloatTensor acts = inner.run(PassRequest.builder(x).tap(InMemoryCnn.RELU).build()).activation(InMemoryCnn.RELU);
        for (int i = 0; i < 2; i++) {
            PrincipalComponent pc = PrincipalComponent.of(acts.slice(i));
            assertArrayEquals(pc.map().toArray(), e.rawMaps().slice(i).toArray(), 1e-5f);
            assertArrayEquals(pc.direction().toArray(), e.weights(i).toArray(), 1e-6f);
        }
        assertEquals(List.of(2), model.runBatches());
    }

    @Test
    void eigenGradCamProjectsGradientTimesActivation() {
        // HandModel class 0: G .* A = [A0, -0.5 A1, 0.01 A2]; the explanation is that matrix's component.
        try (InMemoryCnn model = HandModel.model()) {
            Explanation e = signedRaw(model, CamMethods.eigenGradCam(), "relu").build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            FloatTensor ga = FloatTensor.of(dev.gradcam.api.tensor.Shape.of(3, 2, 2),
                    1, 2, 3, 4, -2, 0, 0, -1, 0, 0, 0.01f, 0.01f);
            assertArrayEquals(PrincipalComponent.of(ga).map().toArray(), e.rawMaps().toArray(), 1e-5f);
            assertTrue(e.weights(0).sum() > 0, "the sign convention: sum of v > 0");
        }
    }

    @Test
    void theSelectorRestrictsTheProjection() {
        try (InMemoryCnn model = HandModel.model()) {
            Explanation all = signedRaw(model, CamMethods.eigenCam(), "relu").build().explain(HandModel.image());
            Explanation one = signedRaw(model, CamMethods.eigenCam(), "relu").selector(FeatureMapSelectors.indices(2)).build()
                    .explain(HandModel.image());
            // v_2 (A2 - mean A2) with A2 = [[0, 0], [1, 1]].
            float v2 = all.weights(0).getFlat(2);
            assertArrayEquals(new float[] {-0.5f * v2, -0.5f * v2, 0.5f * v2, 0.5f * v2}, one.rawMaps().toArray(),
                    1e-6f);
        }
    }
}
