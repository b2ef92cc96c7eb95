package dev.gradcam.api;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.cam.FeatureMapSelector;
import dev.gradcam.api.cam.FeatureMapSelectors;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The whole pipeline on {@link HandModel}, whose maps are derived by hand in its Javadoc: A0 = [[1,2],[3,4]],
 * A1 = [[4,0],[0,2]], A2 = [[0,0],[1,1]]; Grad-CAM weights class 0 [1, -0.5, 0.01], class 1 [-1, 2, 0.5].
 */
class ExplainerTest {

    private static final float EPS = 1e-5f;

    /** Class 0: 1*A0 - 0.5*A1 + 0.01*A2 = [[-1, 2], [3.01, 3.01]]. */
    private static final float[] CLASS0_ALL = {-1f, 2f, 3.01f, 3.01f};
    /** Class 1: -1*A0 + 2*A1 + 0.5*A2 = [[7, -2], [-2.5, 0.5]]. */
    private static final float[] CLASS1_ALL = {7f, -2f, -2.5f, 0.5f};

    private static Explanation explain(FeatureMapSelector selector, MapActivation activation, int cls) {
        try (InMemoryCnn model = HandModel.model()) {
            return Explainer.gradCam(model).layer("relu").selector(selector).activation(activation)
                    .normalization(Normalizations.none()).upsample(false).build()
                    .explain(HandModel.image(), Targets.classLogit(cls));
        }
    }

    @Test
    void gradCamMatchesTheHandDerivedMap() {
        Explanation e = explain(FeatureMapSelectors.all(), MapActivation.SIGNED, 0);
        assertArrayEquals(CLASS0_ALL, e.rawMaps().toArray(), EPS);
        assertArrayEquals(new float[] {1f, -0.5f, 0.01f}, e.weights(0).toArray(), EPS);
        assertEquals(InMemoryCnn.RELU, e.layer().name());
        // logit_0 = sum_k fcW[0][k] * mean(A_k) = 4 * (1*2.5 - 0.5*1.5 + 0.01*0.5)
        assertEquals(4 * (2.5 - 0.75 + 0.005), e.score(0), 1e-5);
        assertEquals(0, e.targetClass(0));
    }

    @Test
    void defaultPostProcessingIsReluMinMaxAndUpsampling() {
        try (InMemoryCnn model = HandModel.model()) {
            Explanation e = Explainer.gradCam(model).layer("relu").outputSize(Size.square(4)).build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            assertEquals(Shape.of(1, 4, 4), e.heatmaps().shape());
            // At layer resolution: ReLU [[0, 2], [3.01, 3.01]] / (3.01 + 1e-7); the 4x4 corners repeat the corners.
            assertEquals(0f, e.heatmaps().get(0, 0, 0), EPS);
            assertEquals(2f / 3.01f, e.heatmaps().get(0, 0, 3), EPS);
            assertEquals(1f, e.heatmaps().get(0, 3, 3), EPS);
        }
    }

    @Test
    void positiveSelectorKeepsPositivelyWeightedChannels() {
        // channels 0 and 2: A0 + 0.01*A2
        Explanation e = explain(FeatureMapSelectors.positive(), MapActivation.SIGNED, 0);
        assertArrayEquals(new float[] {1f, 2f, 3.01f, 4.01f}, e.rawMaps().toArray(), EPS);
        assertArrayEquals(new int[] {0, 2}, e.mask(0).indices());
    }

    @Test
    void negativeSelectorShowsNegativeEvidenceAndExplainsTheBlankReluMap() {
        // channel 1 only: -0.5*A1 = [[-2, 0], [0, -1]]
        Explanation signed = explain(FeatureMapSelectors.negative(), MapActivation.SIGNED, 0);
        assertArrayEquals(new float[] {-2f, 0f, 0f, -1f}, signed.rawMaps().toArray(), EPS);
        Explanation relu = explain(FeatureMapSelectors.negative(), MapActivation.RELU, 0);
        assertArrayEquals(new float[] {0f, 0f, 0f, 0f}, relu.heatmaps().toArray(), EPS);
        assertEquals(1, relu.diagnostics().size());
        assertTrue(relu.diagnostics().get(0).contains("all selected weights are negative"), relu.diagnostics().get(0));
        Explanation abs = explain(FeatureMapSelectors.negative(), MapActivation.ABS, 0);
        assertArrayEquals(new float[] {2f, 0f, 0f, 1f}, abs.heatmaps().toArray(), EPS);
    }

    @Test
    void nearZeroWindowKeepsOnlyTheTinyWeight() {
        // |w| <= 0.05 keeps channel 2 only: 0.01*A2 = [[0, 0], [0.01, 0.01]]
        Explanation e = explain(FeatureMapSelectors.nearZero(0.05), MapActivation.SIGNED, 0);
        assertArrayEquals(new float[] {0f, 0f, 0.01f, 0.01f}, e.rawMaps().toArray(), EPS);
        assertArrayEquals(new int[] {2}, e.mask(0).indices());
    }

    @Test
    void aBatchCanExplainADifferentTargetPerImage() {
        try (InMemoryCnn model = HandModel.model()) {
            Explanation e = Explainer.gradCam(model).layer("relu").activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).upsample(false).build()
                    .explain(HandModel.batchOfTwo(), List.of(Targets.classLogit(0), Targets.classLogit(1)));
            assertArrayEquals(CLASS0_ALL, e.rawMaps().slice(0).toArray(), EPS);
            assertArrayEquals(CLASS1_ALL, e.rawMaps().slice(1).toArray(), EPS);
            assertEquals(0, e.targetClass(0));
            assertEquals(1, e.targetClass(1));
        }
    }

    @Test
    void defaultTargetIsTheTopClass() {
        try (InMemoryCnn model = HandModel.model()) {
            // logit_1 = 4 * (-2.5 + 2*1.5 + 0.5*0.5) = 3.0 < logit_0 = 7.02: the top class is 0.
            Explanation e = Explainer.gradCam(model).layer("relu").activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).upsample(false).build().explain(HandModel.image());
            assertEquals(0, e.targetClass(0));
            assertArrayEquals(CLASS0_ALL, e.rawMaps().toArray(), EPS);
        }
    }

    @Test
    void hiResCamIsGradientTimesActivationSummedOverChannels() {
        try (InMemoryCnn model = HandModel.model()) {
            // Gradients are constant over positions here, so HiResCAM equals Grad-CAM: a textbook identity.
            Explanation e = Explainer.hiResCam(model).layer("relu").activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).upsample(false).build()
                    .explain(HandModel.image(), Targets.classLogit(1));
            assertArrayEquals(CLASS1_ALL, e.rawMaps().toArray(), EPS);
            assertEquals(Shape.of(3, 2, 2), e.weights(0).shape());
            assertEquals("hires-cam", e.provenance().method());
        }
    }

    @Test
    void atTheConvLayerTheReluGateAppliesToGradients() {
        try (InMemoryCnn model = HandModel.model()) {
            // d/d conv_k = w_k * [x_k > 0]; Grad-CAM averages it: w0 = 1*4/4, w1 = -0.5*2/4, w2 = 0.01*2/4.
            Explanation e = Explainer.gradCam(model).layer("conv").activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).upsample(false).build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            assertArrayEquals(new float[] {1f, -0.25f, 0.005f}, e.weights(0).toArray(), EPS);
            // map = 1*x0 - 0.25*x1 + 0.005*x2 = [[1-1-0.005, 2-0-0.005], [3+0.25+0.005, 4-0.5+0.005]]
            assertArrayEquals(new float[] {-0.005f, 1.995f, 3.255f, 3.505f}, e.rawMaps().toArray(), EPS);
        }
    }

    @Test
    void provenanceAndTimingsAreRecorded() {
        Explanation e = explain(FeatureMapSelectors.all(), MapActivation.RELU, 0);
        assertEquals("grad-cam", e.provenance().method());
        assertEquals("in-memory", e.provenance().backend());
        assertEquals("standard", e.provenance().gradientMode());
        assertTrue(e.timings().total().compareTo(e.timings().backend()) >= 0);
    }

    @Test
    void guidedModeReachesTheBackend() {
        try (InMemoryCnn model = HandModel.model()) {
            // Guided: the ReLU gate also needs a positive incoming gradient, so channel 1 (w < 0) gets zero weight.
            Explanation e = Explainer.gradCam(model).layer("conv").gradientMode(GradientMode.GUIDED)
                    .activation(MapActivation.SIGNED).normalization(Normalizations.none()).upsample(false).build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            assertArrayEquals(new float[] {1f, 0f, 0.005f}, e.weights(0).toArray(), EPS);
        }
    }

    @Test
    void errorsNameWhatIsWrong() {
        try (InMemoryCnn model = HandModel.model()) {
            UnknownLayerException unknown = assertThrows(UnknownLayerException.class,
                    () -> Explainer.gradCam(model).layer("rleu").build());
            assertTrue(unknown.getMessage().contains("relu"), unknown.getMessage());
            Explainer ex = Explainer.gradCam(model).layer("relu").build();
            InvalidInputException count = assertThrows(InvalidInputException.class,
                    () -> ex.explain(HandModel.batchOfTwo(), List.of(Targets.classLogit(0))));
            assertTrue(count.getMessage().contains("2 images, 1 targets"), count.getMessage());
            InvalidInputException range = assertThrows(InvalidInputException.class,
                    () -> ex.explain(HandModel.image(), Targets.classLogit(7)));
            assertTrue(range.getMessage().contains("valid: 0..1"), range.getMessage());
            InvalidInputException notMap = assertThrows(InvalidInputException.class,
                    () -> Explainer.gradCam(model).layer("logits").build().explain(HandModel.image()));
            assertTrue(notMap.getMessage().contains("need feature maps"), notMap.getMessage());
            assertThrows(UnsupportedCapabilityException.class,
                    () -> Explainer.gradCam(model).gradientMode(new GradientMode("no-such-mode")).build());
            assertThrows(InvalidInputException.class, () -> Explainer.gradCam(model).output("nope").build());
            model.close();
            assertThrows(ResourceClosedException.class, () -> ex.explain(HandModel.image()));
        }
    }

    @Test
    void anIntermediateLayerCanBeTheExplainedOutput() {
        try (InMemoryCnn model = HandModel.model()) {
            // Explaining pooled channel 1 (mean of A1): d/dA_k = [k == 1] / 4, so Grad-CAM's map is A1 / 4.
            Explanation e = Explainer.gradCam(model).layer("relu").output("pool").activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).upsample(false).build()
                    .explain(HandModel.image(), Targets.classLogit(1));
            assertArrayEquals(new float[] {0f, 0.25f, 0f}, e.weights(0).toArray(), EPS);
            assertArrayEquals(new float[] {1f, 0f, 0f, 0.5f}, e.rawMaps().toArray(), EPS);
            assertEquals(1.5, e.score(0), 1e-6); // mean of A1 = (4 + 0 + 0 + 2) / 4
        }
    }

    @Test
    void autoPicksTheLastSpatialFeatureMap() {
        try (InMemoryCnn model = HandModel.model()) {
            assertEquals(InMemoryCnn.RELU, Explainer.gradCam(model).build().layer().name());
        }
    }

    @Test
    void rawMapsOfARandomModelEqualTheFormulaFromThePass() {
        InMemoryCnn model = InMemoryCnn.random(3, 2, 5, 4, 6, 5);
        FloatTensor x = model.randomInput(9, 3);
        Explanation e = Explainer.gradCam(model).layer("relu").activation(MapActivation.SIGNED).build()
                .explain(x, List.of(Targets.classLogit(0), Targets.classLogit(3), Targets.classProbability(2)));
        assertEquals(Shape.of(3, 6, 5), e.rawMaps().shape());
        assertEquals(Shape.of(3, 6, 5), e.heatmaps().shape());
        for (int i = 0; i < 3; i++) {
            assertTrue(e.heatmaps().slice(i).max() <= 1f && e.heatmaps().slice(i).min() >= 0f);
        }
    }
}
