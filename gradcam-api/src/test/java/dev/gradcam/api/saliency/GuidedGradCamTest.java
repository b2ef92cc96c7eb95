package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Guided Grad-CAM = guided gradient x upsampled Grad-CAM map. On {@link HandModel}, class 0: the Grad-CAM map at the
 * ReLU layer is ReLU([[-1, 2], [3.01, 3.01]]) min-max scaled, [[0, 2/3.01], [1, 1]], and the guided gradient is
 * [1, 1, 1, 1 | 0, 0, 0, 0 | 0, 0, 0.01, 0.01] (see {@link GradientSaliencyTest}).
 */
class GuidedGradCamTest {

    @Test
    void isTheGuidedGradientTimesTheHandDerivedMap() {
        try (InMemoryCnn model = HandModel.model()) {
            Attribution a = Saliency.guidedGradCam(model, "relu").attribute(HandModel.image(), Targets.classLogit(0));
            float m = 2f / 3.01f;
            assertArrayEquals(new float[] {0, m, 1, 1, 0, 0, 0, 0, 0, 0, 0.01f, 0.01f}, a.attributions().toArray(),
                    1e-5f);
            assertEquals("guided-grad-cam", a.method());
        }
    }

    @Test
    void nonImageInputsAreRejectedBeforeAnyPass() {
        try (InMemoryCnn model = HandModel.model()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Saliency.guidedGradCam(model,
                    "relu").attribute(FloatTensor.zeros(Shape.of(1, 3, 4)), Targets.classLogit(0)));
            assertTrue(e.getMessage().contains("needs images [N, C, H, W], got [1, 3, 4]"), e.getMessage());
        }
    }

    @Test
    void multipliesEveryChannelByItsImagesMapInABatch() {
        InMemoryCnn model = InMemoryCnn.random(8, 3, 5, 4, 6, 5);
        FloatTensor x = model.randomInput(2, 2);
        List<dev.gradcam.api.target.Target> targets = List.of(Targets.classLogit(1), Targets.classLogit(3));
        Explainer cam = Explainer.gradCam(model).layer("relu").build();
        FloatTensor heat = cam.explain(x, targets).heatmaps();
        FloatTensor guided = Saliency.guided(model).attribute(x, targets).attributions();
        FloatTensor ggc = GuidedGradCam.of(model, cam).attribute(x, targets).attributions();
        for (int i = 0; i < 2; i++) {
            for (int c = 0; c < 3; c++) {
                for (int y = 0; y < 6; y++) {
                    for (int xx = 0; xx < 5; xx++) {
                        assertEquals(guided.get(i, c, y, xx) * heat.get(i, y, xx), ggc.get(i, c, y, xx), 1e-7);
                    }
                }
            }
        }
    }
}
