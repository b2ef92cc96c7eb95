package dev.gradcam.api.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.cam.CamMath;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.cam.GradientReducers;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import org.junit.jupiter.api.Test;

/**
 * The gradient family against the published formulas, on hand-made activations A and gradients G (two channels,
 * 2x2, signed as at a convolution output) and on {@link HandModel}, whose ReLU-layer gradients for class 0 are the
 * constants w = [1, -0.5, 0.01] and maps A0 = [[1,2],[3,4]], A1 = [[4,0],[0,2]], A2 = [[0,0],[1,1]].
 */
class GradientMethodsTest {

    private static final float EPS = 1e-5f;
    private static final FloatTensor A = FloatTensor.of(Shape.of(2, 2, 2), 1, 2, -1, 3, 2, 0, 1, -2);
    private static final FloatTensor G = FloatTensor.of(Shape.of(2, 2, 2), 0.5f, -1, -2, 0, -1, 1, 0.5f, 0.25f);

    private static float[] map(dev.gradcam.api.cam.GradientReducer r) {
        return CamMath.combine(A, r.reduce(A, G), ChannelMask.all(2)).toArray();
    }

    @Test
    void layerCamWeighsEachPositionByItsPositiveGradient() {
        // Jiang et al. 2021, Eq. 4-5: sum_k relu(G_k) A_k.
        // k0: relu(G0) = [.5, 0, 0, 0] -> [.5, 0, 0, 0]; k1: relu(G1) = [0, 1, .5, .25] -> [0, 0, .5, -.5].
        assertArrayEquals(new float[] {0.5f, 0f, 0.5f, -0.5f}, map(GradientReducers.positiveGradient()), EPS);
    }

    @Test
    void gradCamElementwiseSumsThePositivePartOfGradientTimesActivation() {
        // pytorch-grad-cam GradCAMElementWise: sum_k relu(G_k A_k).
        // G0 A0 = [.5, -2, 2, 0]; G1 A1 = [-2, 0, .5, -.5] -> relu sum [.5, 0, 2.5, 0].
        assertArrayEquals(new float[] {0.5f, 0f, 2.5f, 0f}, map(GradientReducers.positiveProduct()), EPS);
    }

    @Test
    void hiResCamIsTheSignedSumOfGradientTimesActivation() {
        // Draelos and Carin 2020, Eq. 4: sum_k G_k A_k = [.5 - 2, -2 + 0, 2 + .5, 0 - .5].
        assertArrayEquals(new float[] {-1.5f, -2f, 2.5f, -0.5f}, map(GradientReducers.elementwise()), EPS);
    }

    @Test
    void gradCamPlusPlusOnTheHandModel() {
        // Chattopadhyay et al. 2018, Eq. 19 with exp-output closed form: alpha = g^2 / (2 g^2 + sum(A) g^3);
        // w_k = sum_ij alpha relu(g). Class 0: k0 g = 1, sum A0 = 10 -> alpha = 1/12, w0 = 4/12;
        // k1 g < 0 -> 0; k2 g = .01, sum A2 = 2 -> alpha = 1e-4 / (2e-4 + 2e-6), w2 = 4 * alpha * .01.
        Explanation e = explain(CamMethods.gradCamPlusPlus(), 0);
        double w2 = 4 * (1e-4 / (2e-4 + 2e-6)) * 0.01;
        assertArrayEquals(new float[] {1f / 3, 0f, (float) w2}, e.weights(0).toArray(), EPS);
    }

    @Test
    void xGradCamOnTheHandModel() {
        // Fu et al. 2020, Eq. 8: w_k = sum(A_k G_k) / sum(A_k) = g_k where the gradient is constant.
        Explanation e = explain(CamMethods.xGradCam(), 0);
        assertArrayEquals(new float[] {1f, -0.5f, 0.01f}, e.weights(0).toArray(), 1e-4f);
    }

    @Test
    void layerCamAndElementwiseKeepOnlyPositiveEvidenceOnTheHandModel() {
        // Constant gradients: relu(w_k) A_k = relu(w_k A_k) for A >= 0, so both give A0 + 0.01 A2.
        float[] expected = {1f, 2f, 3.01f, 4.01f};
        assertArrayEquals(expected, explain(CamMethods.layerCam(), 0).rawMaps().toArray(), EPS);
        assertArrayEquals(expected, explain(CamMethods.gradCamElementwise(), 0).rawMaps().toArray(), EPS);
    }

    @Test
    void eigenSmoothOfOneSelectedChannelIsItsCentredMap() {
        // Only channel 0 (weight 1): the weighted maps have one non-constant column, A0 - 2.5, so the principal
        // component is that column with v = e0 (sum v > 0).
        try (InMemoryCnn model = HandModel.model()) {
            Explanation e = Explainer.gradCam(model).layer("relu").eigenSmooth(true)
                    .selector(dev.gradcam.api.cam.FeatureMapSelectors.indices(0)).activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).upsample(false).build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            assertArrayEquals(new float[] {-1.5f, -0.5f, 0.5f, 1.5f}, e.rawMaps().toArray(), EPS);
            assertEquals("true", e.provenance().details().get("method.eigenSmooth"));
        }
    }

    private static Explanation explain(CamMethod method, int cls) {
        try (InMemoryCnn model = HandModel.model()) {
            return Explainer.of(model, method).layer("relu").activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).upsample(false).build()
                    .explain(HandModel.image(), Targets.classLogit(cls));
        }
    }
}
