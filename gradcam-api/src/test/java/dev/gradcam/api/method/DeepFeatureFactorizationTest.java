package dev.gradcam.api.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.CountingModel;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Deep Feature Factorization (Collins, Achanta and Süsstrunk 2018): NMF of the shifted activations [K, N*h*w] into
 * concepts, with per-class scores from the head applied to each concept embedding.
 */
class DeepFeatureFactorizationTest {

    private static Explainer.Builder raw(dev.gradcam.api.DifferentiableModel model, CamMethod m) {
        return Explainer.of(model, m).layer("relu").activation(MapActivation.SIGNED)
                .normalization(Normalizations.none()).upsample(false);
    }

    @Test
    void conceptsReconstructTheActivationsAndTheHeadScoresThem() {
        InMemoryCnn model = InMemoryCnn.random(12, 2, 4, 3, 5, 4);
        FloatTensor x = model.randomInput(3, 2);
        // r = K = 4 concepts can represent the shifted activations exactly: NMF should get close.
        Explanation e = raw(model, CamMethods.deepFeatureFactorization().withConcepts(4).withIterations(4000, 0))
                .build().explain(x, Targets.classLogit(1));
        ConceptFactorization cf = e.concepts().orElseThrow();
        FloatTensor acts = model.run(PassRequest.builder(x).tap(InMemoryCnn.RELU).build()).activation(InMemoryCnn.RELU);
        // A[i, c, p] ~ sum_j H[i, j, p] (emb[j, c] - offset_c) + offset_c; check the relative error.
        double err = 0;
        double norm = 0;
        double[] offset = new double[4];
        for (int c = 0; c < 4; c++) {
            offset[c] = Double.POSITIVE_INFINITY;
            for (int i = 0; i < 2; i++) {
                offset[c] = Math.min(offset[c], acts.slice(i).slice(c).min());
            }
        }
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 4; c++) {
                for (int p = 0; p < 20; p++) {
                    double rec = offset[c];
                    for (int j = 0; j < 4; j++) {
                        rec += cf.maps().slice(i).slice(j).getFlat(p) * (cf.embeddings().get(j, c) - offset[c]);
                    }
                    double a = acts.slice(i).slice(c).getFlat(p);
                    err += (a - rec) * (a - rec);
                    norm += a * a;
                }
            }
        }
        assertTrue(Math.sqrt(err / norm) < 0.05, "relative reconstruction error " + Math.sqrt(err / norm));
        // The head after the ReLU layer is pool + fc: on a constant map it is fc(embedding).
        FloatTensor outputs = cf.conceptOutputs().orElseThrow();
        for (int j = 0; j < 4; j++) {
            FloatTensor spread = FloatTensor.full(dev.gradcam.api.tensor.Shape.of(1, 4, 5, 4), 0f);
            float[] d = spread.toArray();
            for (int c = 0; c < 4; c++) {
                java.util.Arrays.fill(d, c * 20, (c + 1) * 20, cf.embeddings().get(j, c));
            }
            FloatTensor head = model.runHead(InMemoryCnn.RELU,
                    FloatTensor.of(dev.gradcam.api.tensor.Shape.of(1, 4, 5, 4), d), null);
            assertArrayEquals(head.slice(0).toArray(), outputs.slice(j).toArray(), 1e-5f);
        }
        // Each image shows the concept with the best class-1 logit; its weights are those logits.
        int best = cf.conceptTargetScores().orElseThrow().slice(0).argMax();
        assertEquals(outputs.get(best, 1), e.weights(0).max(), 1e-5);
        assertArrayEquals(new int[] {best}, e.mask(0).indices());
        assertArrayEquals(cf.maps().slice(0).slice(best).toArray(), e.rawMaps().slice(0).toArray(), 0f);
    }

    @Test
    void withoutHeadExecutionItShowsTheDominantConceptAndSaysSo() {
        InMemoryCnn inner = HandModel.model();
        CountingModel noHead = new CountingModel(inner, Set.of(Capability.LAYER_GRADIENTS));
        Explanation e = raw(noHead, CamMethods.deepFeatureFactorization().withConcepts(2)).build()
                .explain(HandModel.image());
        assertTrue(e.concepts().orElseThrow().conceptOutputs().isEmpty());
        assertTrue(e.diagnostics().stream().anyMatch(d -> d.contains("cannot run the head")), e.diagnostics().toString());
        assertEquals(e.weights(0).argMax(), e.mask(0).indices()[0]);
    }

    @Test
    void isDeterministic() {
        InMemoryCnn model = InMemoryCnn.random(13, 2, 5, 3, 4, 4);
        FloatTensor x = model.randomInput(2, 2);
        Explainer ex = raw(model, CamMethods.deepFeatureFactorization()).build();
        assertEquals(ex.explain(x).rawMaps(), ex.explain(x).rawMaps());
    }
}
