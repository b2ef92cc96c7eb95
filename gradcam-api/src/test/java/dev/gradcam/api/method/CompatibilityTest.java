package dev.gradcam.api.method;

import static dev.gradcam.api.testing.Explainers.signedRaw;
import dev.gradcam.api.InvalidArgumentException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Size;
import dev.gradcam.api.cam.GradientReducers;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import org.junit.jupiter.api.Test;

/** {@link Compatibility#PYTORCH_GRAD_CAM}: each switched setting, derived by hand from pytorch-grad-cam's source. */
class CompatibilityTest {

    @Test
    void gradCamPlusPlusGetsPytorchGradCamsEpsilon() {
        // HandModel, class 0 at "relu": G_k = w_k = [1, -0.5, 0.01] everywhere, sum_ij A_k = [10, 6, 2].
        // Paper: alpha = 1 / (2 + sum(A) g): w = [4 / 12, 0, 4 * 0.01 / 2.02].
        // pytorch-grad-cam: alpha = g^2 / (2 g^2 + sum(A) g^3 + 1e-6): channel 2 has g^2 = 1e-4,
        // so alpha = 1e-4 / (2e-4 + 2e-6 + 1e-6) and w_2 = 4 * 0.01 * 1e-4 / 2.03e-4.
        try (InMemoryCnn model = HandModel.model()) {
            Explanation paper = signedRaw(model, CamMethods.gradCamPlusPlus(), "relu").build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            Explanation pt = signedRaw(model, CamMethods.gradCamPlusPlus(), "relu")
                    .compatibility(Compatibility.PYTORCH_GRAD_CAM).build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            assertArrayEquals(new float[] {4 / 12f, 0, 0.04f / 2.02f}, paper.weights(0).toArray(), 1e-7f);
            assertArrayEquals(new float[] {(float) (4 / (12 + 1e-6)), 0, (float) (0.04 * 1e-4 / 2.03e-4)},
                    pt.weights(0).toArray(), 1e-7f);
        }
    }

    @Test
    void ablationValueCompoundsWithinEachBatchAsPytorchGradCamsAblationLayer() {
        // All-positive image: A_k = x_k (centre taps), min 1, means [2.5, 2, 2]; the head after "relu" is linear,
        // y = 4 sum_k w_k mean(A_k) = 6.08 and ablating map k to v gives (y - y_k) / y = 4 w_k (mean(A_k) - v) / y.
        // AblationLayer takes min over the batch of copies as it ablates them in place: with batches of 2 copies,
        // channel 0 (copy 0) gets 1 - 1e7, channel 1 (copy 1) 1 - 2e7, channel 2 (copy 0 of batch 2) 1 - 1e7.
        FloatTensor x = FloatTensor.of(Shape.of(1, 3, 2, 2), 1, 2, 3, 4, 4, 1, 1, 2, 2, 2, 2, 2);
        try (InMemoryCnn model = HandModel.model()) {
            Explanation e = signedRaw(model, CamMethods.ablationCam().withMaxBatch(2), "relu")
                    .compatibility(Compatibility.PYTORCH_GRAD_CAM).build().explain(x, Targets.classLogit(0));
            double y = 6.08;
            double[] expected = {4 * 1 * (2.5 - (1 - 1e7)) / y, 4 * -0.5 * (2 - (1 - 2e7)) / y,
                4 * 0.01 * (2 - (1 - 1e7)) / y};
            for (int k = 0; k < 3; k++) {
                assertEquals(expected[k], e.weights(0).getFlat(k), 1e-5 * Math.abs(expected[k]), "channel " + k);
            }
        }
    }

    @Test
    void aLayerWithMinimumZeroIsAblatedToZeroAsInThePaper() {
        try (InMemoryCnn model = HandModel.model()) {
            Explanation zero = signedRaw(model, CamMethods.ablationCam(), "relu").build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            Explanation pt = signedRaw(model, CamMethods.ablationCam(), "relu")
                    .compatibility(Compatibility.PYTORCH_GRAD_CAM).build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            assertArrayEquals(zero.weights(0).toArray(), pt.weights(0).toArray(), 0f);
        }
    }

    @Test
    void heatmapsAreRescaledAfterUpsamplingAsAggregateMultiLayersDoes() {
        // pytorch-grad-cam: ReLU, min-max, resize, then (mean over one layer and) min-max again; gradcam's default
        // stops after the resize, whose extremes move inside [0, 1] when no output pixel hits a source extreme.
        // A 3x3 layer whose map peaks in the centre (A_0 = x_0, class 0 weighs it by 1): upsampled to 8x8 with
        // half-pixel centres, no output pixel samples source (1, 1) exactly, so the resized maximum is below 1.
        double[] convW = new double[3 * 3 * 9];
        for (int k = 0; k < 3; k++) {
            convW[((k * 3 + k) * 3 + 1) * 3 + 1] = 1;
        }
        InMemoryCnn model = new InMemoryCnn(3, 3, 2, 3, 3, convW, new double[3], new double[] {4, 0, 0, 0, 4, 0},
                new double[2]);
        float[] pixels = new float[27];
        pixels[4] = 5;
        pixels[1] = 1;
        FloatTensor x = FloatTensor.wrapOwned(Shape.of(1, 3, 3, 3), pixels);
        Explainer.Builder b = Explainer.gradCam(model).layer("relu").outputSize(Size.square(8));
        FloatTensor plain = b.build().explain(x, Targets.classLogit(0)).heatmaps();
        FloatTensor pt = b.compatibility(Compatibility.PYTORCH_GRAD_CAM).build().explain(x, Targets.classLogit(0))
                .heatmaps();
        assertArrayEquals(Normalizations.perImageMinMax().apply(plain).toArray(), pt.toArray(), 1e-6f);
        double moved = 0;
        for (int i = 0; i < plain.size(); i++) {
            moved = Math.max(moved, Math.abs(plain.getFlat(i) - pt.getFlat(i)));
        }
        assertTrue(moved > 1e-3, "the example must exercise the second min-max: " + moved);
    }

    @Test
    void methodsSwitchAndTheChoiceIsRecorded() {
        try (InMemoryCnn model = HandModel.model()) {
            Explainer e = Explainer.of(model, "score-cam").compatibility(Compatibility.PYTORCH_GRAD_CAM).build();
            assertTrue(e.camMethod().settings().contains("alignCorners=true, channelSoftmax=true"),
                    e.camMethod().settings());
            assertEquals("pytorch-grad-cam",
                    e.explain(HandModel.image()).provenance().details().get("compatibility"));
            assertEquals(FullGrad.Scaling.PER_CHANNEL,
                    ((FullGrad) CamMethods.fullGrad().compatible(Compatibility.PYTORCH_GRAD_CAM)).scaling());
            CamMethod gradCam = CamMethods.gradCam();
            assertSame(gradCam, gradCam.compatible(Compatibility.PYTORCH_GRAD_CAM), "Grad-CAM agrees already");
            assertNotEquals(Explainer.of(model, "score-cam").build().camMethod().settings(),
                    e.camMethod().settings());
            assertEquals(Explainer.of(model, "score-cam").build().camMethod().settings(),
                    e.toBuilder().compatibility(Compatibility.GRADCAM).build().camMethod().settings(),
                    "the builder keeps the method as given");
        }
    }

    @Test
    void namesParseAndUnknownOnesSayWhatIsAccepted() {
        assertEquals(Compatibility.PYTORCH_GRAD_CAM, Compatibility.parse(" PyTorch_Grad-CAM "));
        assertEquals(Compatibility.GRADCAM, Compatibility.parse("gradcam"));
        InvalidArgumentException ex = assertThrows(InvalidArgumentException.class,
                () -> Compatibility.parse("captum"));
        assertTrue(ex.getMessage().contains("pytorch-grad-cam"), ex.getMessage());
        assertThrows(InvalidArgumentException.class, () -> GradientReducers.gradCamPlusPlus(-1e-6));
    }
}
