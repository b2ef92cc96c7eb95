package dev.gradcam.api.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.numeric.SplitMix64;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.CountingModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Random-CAM: uniform random channel weights, the sanity baseline of Adebayo et al. 2018. */
class RandomCamTest {

    @Test
    void weightsAreTheSeededStreamMappedToMinusOneOne() {
        InMemoryCnn inner = InMemoryCnn.random(1, 2, 6, 3, 4, 4);
        CountingModel model = new CountingModel(inner);
        Explanation e = Explainer.of(model, CamMethods.randomCam().withSeed(99)).layer("relu").build()
                .explain(inner.randomInput(3, 2));
        SplitMix64 r = new SplitMix64(99);
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 6; k++) {
                assertEquals((float) (2 * r.nextDouble() - 1), e.weights(i).getFlat(k), 1e-7f);
            }
        }
        assertEquals(List.of(2), model.runBatches(), "one forward pass, no gradients needed");
    }

    @Test
    void differentSeedsGiveDifferentMapsAndTheSameSeedTheSame() {
        InMemoryCnn model = InMemoryCnn.random(1, 2, 6, 3, 4, 4);
        FloatTensor x = model.randomInput(3, 1);
        FloatTensor a = Explainer.of(model, CamMethods.randomCam()).layer("relu").build().explain(x).rawMaps();
        FloatTensor b = Explainer.of(model, CamMethods.randomCam()).layer("relu").build().explain(x).rawMaps();
        FloatTensor c = Explainer.of(model, CamMethods.randomCam().withSeed(1)).layer("relu").build().explain(x)
                .rawMaps();
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertTrue(a.allFinite());
    }
}
