package dev.gradcam.api.method;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.CountingModel;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Aug-smoothing (pytorch-grad-cam's aug_smooth): explain augmented copies, map back, average. */
class AugSmoothingTest {

    @Test
    void flipsAreUndoneExactly() {
        FloatTensor maps = FloatTensor.of(Shape.of(1, 2, 3), 1, 2, 3, 4, 5, 6);
        Augmentation flip = new Augmentation(true, 1, 1);
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, flip.apply(FloatTensor.of(Shape.of(1, 1, 2, 3),
                1, 2, 3, 4, 5, 6)).toArray(), 0f);
        float[] coverage = new float[6];
        assertArrayEquals(new float[] {3, 2, 1, 6, 5, 4}, flip.restore(maps, coverage).toArray(), 0f);
        assertArrayEquals(new float[] {1, 1, 1, 1, 1, 1}, coverage, 0f);
    }

    @Test
    void zoomingInLosesTheBorderAndRestoringMarksItUncovered() {
        // Zoom 2 about the centre of a 4x4 image shows the central 2x2 region; mapped back, only it is covered.
        Augmentation zoom = new Augmentation(false, 2, 1);
        float[] coverage = new float[16];
        zoom.restore(FloatTensor.full(Shape.of(1, 4, 4), 1f), coverage);
        assertArrayEquals(new float[] {0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0}, coverage, 0f);
        // A constant image stays constant inside the view.
        FloatTensor z = zoom.apply(FloatTensor.full(Shape.of(1, 1, 4, 4), 3f));
        assertEquals(3f, z.min(), 1e-6);
    }

    @Test
    void aFlipAndScaleEquivariantModelIsUnchangedBySmoothing() {
        // HandModel's conv is a centre tap without bias: flipping the image flips the maps, and multiplying pixel
        // values by m multiplies the maps by m, which min-max normalisation removes. So the smoothed heatmap is the
        // plain heatmap and the smoothed raw map the mean of m * raw over m in {0.9, 1, 1.1}, i.e. raw.
        try (InMemoryCnn inner = HandModel.model()) {
            CountingModel model = new CountingModel(inner);
            Explanation plain = Explainer.of(model, CamMethods.gradCam()).layer("relu").build()
                    .explain(HandModel.image());
            Explainer smoothed = Explainer.of(model, CamMethods.gradCam()).layer("relu")
                    .augSmoothing(AugSmoothing.pytorchGradCam()).build();
            int before = model.runBatches().size();
            Explanation e = smoothed.explain(HandModel.image());
            assertArrayEquals(plain.heatmaps().toArray(), e.heatmaps().toArray(), 1e-5f);
            assertArrayEquals(plain.rawMaps().toArray(), e.rawMaps().toArray(), 1e-5f);
            assertEquals(1 + 6, model.runBatches().size() - before, "top class fixed once, then six augmentations");
            assertEquals(plain.weights(0), e.weights(0), "weights of the unaugmented image");
            assertTrue(e.provenance().details().get("method.augSmooth").contains("Augmentation"));
        }
    }

    @Test
    void worksWithEveryMethodAndZooms() {
        InMemoryCnn model = InMemoryCnn.random(41, 2, 4, 3, 8, 8);
        FloatTensor x = model.randomInput(5, 2);
        for (String name : List.of("grad-cam", "score-cam", "ablation-cam", "eigen-cam", "full-grad")) {
            Explanation e = Explainer.of(model, name).layer("relu").augSmoothing(AugSmoothing.flipsAndZooms(1, 1.25))
                    .build().explain(x, Targets.classLogit(1));
            assertEquals(Shape.of(2, 8, 8), e.heatmaps().shape());
            assertTrue(e.heatmaps().allFinite() && e.heatmaps().max() <= 1 + 1e-6, name);
        }
    }
}
