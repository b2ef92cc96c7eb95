package dev.gradcam.nd4j.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.metrics.Localisation;
import java.util.Arrays;
import dev.gradcam.nd4j.SameDiffModel;
import org.junit.jupiter.api.Test;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Issue 6's end-to-end check: a CNN trained with SameDiff on generated shapes, explained with Grad-CAM through the
 * public API, points at the object in at least 90% of held-out images.
 */
class ShapesGradCamTest {

    private static final int SIZE = 32;

    @Test
    void gradCamOfATrainedCnnPointsAtTheObject() {
        ShapesDataset train = ShapesDataset.generate(600, SIZE, 1);
        ShapesDataset heldOut = ShapesDataset.generate(120, SIZE, 2);
        long t0 = System.nanoTime();
        SameDiff sd = ShapesCnn.trained(train);
        long trainMs = (System.nanoTime() - t0) / 1_000_000;
        double accuracy = ShapesCnn.accuracy(sd, heldOut);
        assertTrue(accuracy >= 0.9, "held-out accuracy " + accuracy + " after " + trainMs + " ms of training");

        try (SameDiffModel model = SameDiffModel.builder(sd).input(ShapesCnn.INPUT).outputs(ShapesCnn.LOGITS).build()) {
            Explainer gradCam = Explainer.gradCam(model).layer(ShapesCnn.FEATURES).build();
            Explanation e = gradCam.explain(heldOut.images());
            assertEquals(heldOut.count(), e.size());
            assertEquals(SIZE, e.heatmaps().shape().intDim(1), "heat maps are upsampled to the image");
            double pointing = Arrays.stream(Localisation.pointingGame(e.heatmaps(), heldOut.boxMasks(), 0)).average()
                    .orElseThrow();
            assertTrue(pointing >= 0.9, "pointing game: the Grad-CAM peak falls inside the object's bounding box in "
                    + Math.round(pointing * 100) + "% of " + heldOut.count() + " held-out images (need >= 90%); "
                    + "classifier accuracy " + accuracy + ", training " + trainMs + " ms");
            System.out.printf("pointing game %.1f%% of %d held-out images, accuracy %.1f%%, training %d ms%n",
                    pointing * 100, heldOut.count(), accuracy * 100, trainMs);
        }
    }
}
