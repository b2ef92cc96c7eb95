package dev.gradcam.api.method;

import static dev.gradcam.api.testing.Explainers.signedRaw;
import dev.gradcam.api.InvalidArgumentException;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** FEM, KPCA-CAM, Seg-Eigen-CAM, Finer-CAM and Refine-CAM on models small enough to derive by hand. */
class NewestCamsTest {

    /** One filter copying input channel 0 (centre tap) into the ReLU layer, one class with logit 4 mean(A). */
    private static InMemoryCnn identity(int height, int width) {
        double[] convW = new double[9];
        convW[4] = 1;
        return new InMemoryCnn(1, 1, 1, height, width, convW, new double[1], new double[] {4}, new double[1]);
    }

    @Test
    void femWeighsTheShareOfPositionsAboveMeanPlusKStd() {
        // HandModel maps: A0 = [1, 2, 3, 4] (mean 2.5, std sqrt(1.25)), A1 = [4, 0, 0, 2] (mean 1.5, std sqrt(2.75)),
        // A2 = [0, 0, 1, 1] (mean 0.5, std 0.5). k = 0.5: thresholds 3.06, 2.33, 0.75 -> {4}, {4}, {1, 1}.
        // k = 2: thresholds 4.74, 4.82, 1.5 -> nothing above anywhere.
        try (InMemoryCnn model = HandModel.model()) {
            Explanation half = signedRaw(model, CamMethods.fem().withK(0.5), "relu").build()
                    .explain(HandModel.image());
            assertArrayEquals(new float[] {0.25f, 0.25f, 0.5f}, half.weights(0).toArray(), 0f);
            Explanation two = signedRaw(model, CamMethods.fem(), "relu").build().explain(HandModel.image());
            assertArrayEquals(new float[] {0, 0, 0}, two.weights(0).toArray(), 0f);
            // map = 0.25 A0 + 0.25 A1 + 0.5 A2
            assertArrayEquals(new float[] {1.25f, 0.5f, 1.25f, 2f}, half.rawMaps().toArray(), 1e-6f);
        }
    }

    @Test
    void kpcaOfTwoPositionsByHand() {
        // One channel, A = [3, 1]: centred samples x = [1, -1], gamma = 1 / K = 1. Sigmoid kernel: a = tanh(1 + 1),
        // b = tanh(-1 + 1) = 0; centred [[a-b, b-a], [b-a, a-b]] / 2 has lambda = a - b, u = [1, -1] / sqrt 2,
        // map u sqrt(lambda) = +-sqrt(tanh(2) / 2), the first entry positive (largest |u_i|, first on ties).
        InMemoryCnn model = identity(1, 2);
        FloatTensor x = FloatTensor.of(Shape.of(1, 1, 1, 2), 3, 1);
        Explanation e = signedRaw(model, CamMethods.kpcaCam(), "relu").build().explain(x);
        float p = (float) Math.sqrt(Math.tanh(2) / 2);
        assertArrayEquals(new float[] {p, -p}, e.rawMaps().toArray(), 1e-6f);
        // gamma 0.5: a = tanh(1.5), b = tanh(0.5)
        Explanation g = signedRaw(model, CamMethods.kpcaCam().withGamma(0.5), "relu").build().explain(x);
        float q = (float) Math.sqrt((Math.tanh(1.5) - Math.tanh(0.5)) / 2);
        assertArrayEquals(new float[] {q, -q}, g.rawMaps().toArray(), 1e-6f);
    }

    @ParameterizedTest(name = "{0} x {1}")
    @CsvSource({"5, 4", "24, 24"})
    void kpcaWithTheLinearKernelIsPrincipalComponentAnalysis(int height, int width) {
        // Kernel PCA with k(x, y) = x.y projects on the same component as PCA: |map| equals Eigen-CAM's. 24 x 24 has
        // more positions than KernelPcaCam.EXACT_LIMIT, so it checks the power iteration.
        InMemoryCnn model = InMemoryCnn.random(7, 3, 6, 2, height, width);
        FloatTensor x = model.randomInput(8, 2);
        float[] kpca = signedRaw(model, CamMethods.kpcaCam().withKernel(KernelPcaCam.Kernel.LINEAR), "relu")
                .build().explain(x).rawMaps().toArray();
        float[] eigen = signedRaw(model, CamMethods.eigenCam(), "relu").build().explain(x).rawMaps().toArray();
        for (int i = 0; i < kpca.length; i++) {
            assertEquals(Math.abs(eigen[i]), Math.abs(kpca[i]), 1e-4 * Math.max(1, Math.abs(eigen[i])),
                    "position " + i);
        }
        assertThrows(InvalidArgumentException.class, () -> CamMethods.kpcaCam().withGamma(-1));
        assertEquals(KernelPcaCam.Kernel.RBF, KernelPcaCam.Kernel.parse(" rbf "));
    }

    @Test
    void segEigenCamFlipsTowardsTheLargerPeak() {
        // One channel, A = [4, 4, 4, 0], G = 1 (logit 4 mean(A)): |G| A centred = [1, 1, 1, -3]. Eigen-Grad-CAM's
        // sign (sum of v positive) keeps it; Seg-Eigen-CAM negates it because |min| = 3 > max = 1.
        InMemoryCnn model = identity(2, 2);
        FloatTensor x = FloatTensor.of(Shape.of(1, 1, 2, 2), 4, 4, 4, 0);
        Explanation seg = signedRaw(model, CamMethods.segEigenCam(), "relu").build().explain(x);
        Explanation eigen = signedRaw(model, CamMethods.eigenGradCam(), "relu").build().explain(x);
        assertArrayEquals(new float[] {-1, -1, -1, 3}, seg.rawMaps().toArray(), 1e-6f);
        assertArrayEquals(new float[] {1, 1, 1, -3}, eigen.rawMaps().toArray(), 1e-6f);
        assertArrayEquals(new float[] {-1}, seg.weights(0).toArray(), 1e-6f);
    }

    @Test
    void finerCamComparesWithTheClassesScoredMostAlike() {
        // y = [5, 4.5, 1, 5.2, 3], class 0: |y - y_0| = [0, .5, 4, .2, 2], so positions 1..3 are classes 3, 1, 4.
        FloatTensor y = FloatTensor.of(Shape.of(1, 5), 5, 4.5f, 1, 5.2f, 3);
        List<Target> t = CamMethods.finerCam().targets(List.of(Targets.classLogit(0)), () -> y);
        assertEquals(Targets.finer(0, new int[] {3, 1, 4}, 1.0), t.get(0));
        List<Target> top = CamMethods.finerCam().withAlpha(0.5).withComparisonRanks(1)
                .targets(List.of(Targets.topClass()), () -> y);
        assertEquals(Targets.finer(3, new int[] {0}, 0.5), top.get(0), "top class 3, its nearest is class 0");
        List<Target> fixed = CamMethods.finerCam().withComparisonClasses(2)
                .targets(List.of(Targets.classLogit(1)), () -> y);
        assertEquals(Targets.finer(1, new int[] {2}, 1.0), fixed.get(0));
        assertThrows(InvalidArgumentException.class, () -> CamMethods.finerCam().withComparisonRanks(0));
    }

    @Test
    void finerCamIsGradCamOfTheFinerTarget() {
        InMemoryCnn model = InMemoryCnn.random(9, 2, 4, 5, 4, 4);
        FloatTensor x = model.randomInput(10, 1);
        FloatTensor y = model.forward(x);
        Target finer = CamMethods.finerCam().targets(List.of(Targets.classLogit(2)), () -> y).get(0);
        Explanation viaMethod = signedRaw(model, CamMethods.finerCam(), "relu").build()
                .explain(x, Targets.classLogit(2));
        Explanation viaTarget = signedRaw(model, CamMethods.gradCam(), "relu").build().explain(x, finer);
        assertArrayEquals(viaTarget.rawMaps().toArray(), viaMethod.rawMaps().toArray(), 1e-7f);
        assertTrue(viaMethod.target(0).startsWith("finer[2 vs"), viaMethod.target(0));
    }

    @Test
    void refineCamMultipliesThePerLayerMaps() {
        // Reference: each layer's default Grad-CAM++ heatmap (ReLU, min-max, upsampled), multiplied, min-max again.
        InMemoryCnn model = InMemoryCnn.random(12, 2, 5, 3, 6, 6);
        FloatTensor x = model.randomInput(13, 2);
        List<Target> targets = List.of(Targets.classLogit(0), Targets.classLogit(2));
        FloatTensor conv = Explainer.gradCamPlusPlus(model).layer("conv").build().explain(x, targets).heatmaps();
        FloatTensor relu = Explainer.gradCamPlusPlus(model).layer("relu").build().explain(x, targets).heatmaps();
        float[] product = conv.toArray();
        for (int i = 0; i < product.length; i++) {
            product[i] *= relu.getFlat(i);
        }
        FloatTensor expected = Normalizations.perImageMinMax().apply(FloatTensor.wrapOwned(conv.shape(), product));
        FloatTensor refined = Explainer.of(model, "refine-cam").layers("conv", "relu").build().explain(x, targets)
                .heatmaps();
        assertArrayEquals(expected.toArray(), refined.toArray(), 1e-6f);
    }
}
