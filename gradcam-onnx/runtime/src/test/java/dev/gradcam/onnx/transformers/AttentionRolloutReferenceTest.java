package dev.gradcam.onnx.transformers;

import dev.gradcam.api.InvalidArgumentException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.method.AttentionRollout;
import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Attention rollout and gradient-weighted attention rollout on the small ViT and DeiT-style fixtures against the
 * published formulas as {@code transformers/make_transformer_fixtures.py} computes them in float64 from torch's
 * attention probabilities (and their torch.autograd gradients): relative L2 error at most 1e-4. The attention
 * Softmax taps are found automatically.
 */
class AttentionRolloutReferenceTest {

    private static final double TOLERANCE = 1e-4;
    private static final List<Target> TARGETS = List.of(Targets.classLogit(1), Targets.classLogit(3));

    @AfterAll
    static void close() {
        LayerLayoutReferenceTest.close();
    }

    private static Explanation explain(String model, CamMethod method) {
        return Explainer.of(LayerLayoutReferenceTest.model(model), method).activation(MapActivation.SIGNED)
                .normalization(Normalizations.none()).upsample(false).build()
                .explain(LayerLayoutReferenceTest.input(model), TARGETS);
    }

    private static void check(String model, String reference, Explanation e) {
        FloatTensor expected = Npy.read(LayerLayoutReferenceTest.resource(model).resolve(reference + ".npy"));
        assertEquals(Shape.of(2, 8, 8), e.rawMaps().shape());
        for (int i = 0; i < 2; i++) {
            double err = e.rawMaps().slice(i).relativeError(expected.slice(i));
            assertTrue(err <= TOLERANCE, model + " " + reference + " image " + i + ": relative L2 error " + err);
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource({"vit, MEAN, 0", "vit, MAX, 0.5", "vit, MIN, 0.2", "deit, MEAN, 0", "deit, MAX, 0.5",
        "deit, MIN, 0.2"})
    void attentionRolloutMatchesAbnarAndZuidema(String model, AttentionRollout.HeadFusion fusion, double discard) {
        AttentionRollout m = CamMethods.attentionRollout().withHeadFusion(fusion).withDiscardRatio(discard);
        check(model, "attention-rollout-" + fusion.name().toLowerCase() + "-" + (discard == 0 ? "0" : discard),
                explain(model, m));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"vit", "deit"})
    void gradAttentionRolloutMatchesCheferGurAndWolf(String model) {
        Explanation e = explain(model, CamMethods.byName("grad-attention-rollout"));
        check(model, "grad-attention-rollout", e);
        assertTrue(e.provenance().layer().contains("Softmax"), e.provenance().layer());
    }

    @Test
    void modelsWithoutAttentionAreAClearError() {
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> explain("convnext", CamMethods.attentionRollout()));
        assertTrue(e.getMessage().contains("no attention"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> CamMethods.attentionRollout().withDiscardRatio(1));
    }
}
