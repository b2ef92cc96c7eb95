package dev.gradcam.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.cam.FeatureMapSelectors;
import dev.gradcam.api.cam.Ranking;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.InMemoryCnn;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The exception contract at the API boundary (issue 12): argument errors are {@link InvalidArgumentException}s (a
 * {@link GradCamException}, never an {@link IllegalArgumentException}), builders check what they can at
 * {@code build()}, and a closed model refuses every call.
 */
class ExceptionContractTest {

    private static void invalid(Executable call, String fragment) {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, call);
        assertTrue(e.getMessage().contains(fragment), "'" + e.getMessage() + "' should mention '" + fragment + "'");
    }

    @Test
    void argumentErrorsAreGradCamExceptions() {
        invalid(() -> Targets.classLogit(-1), "class index must be >= 0, got -1");
        invalid(() -> FeatureMapSelectors.weightWindow(5, 1), "low <= high, got [5.0, 1.0]");
        invalid(() -> FeatureMapSelectors.nearZero(-1), "epsilon must be >= 0, got -1");
        invalid(() -> FeatureMapSelectors.topK(-1, Ranking.WEIGHT), "k must be >= 0");
        invalid(() -> FeatureMapSelectors.indices(3, -1), "channel indices must be >= 0");
        invalid(() -> Preprocessing.imagenet().withSize(0, 0), "must be positive");
        invalid(() -> Shape.of(-2, 3), "dimension sizes must be >= 0 or -1");
        invalid(() -> FloatTensor.of(Shape.of(2, 2), 1, 2, 3), "holds 4");
        try (InMemoryCnn model = InMemoryCnn.random(1, 3, 4, 5, 6, 6)) {
            invalid(() -> Explainer.gradCam(model).outputSize(Size.of(0, 0)), "a size must be positive, got width 0 x height 0");
        }
    }

    @Test
    void buildChecksSelectorsAndLayers() {
        try (InMemoryCnn model = InMemoryCnn.random(1, 3, 4, 5, 6, 6)) {
            // The layer has 4 channels: index 99 fails at build, not at the first explanation.
            invalid(() -> Explainer.gradCam(model).layer(InMemoryCnn.RELU).selector(FeatureMapSelectors.indices(99))
                    .build(), "channel 99 does not exist; layer " + InMemoryCnn.RELU + " has channels 0..3");
            invalid(() -> Explainer.gradCam(model).layer(InMemoryCnn.RELU).selector(FeatureMapSelectors.positive()
                    .and(FeatureMapSelectors.indices(4))).build(), "channel 4 does not exist");
            Explainer.gradCam(model).layer(InMemoryCnn.RELU).selector(FeatureMapSelectors.indices(0, 3)).build();
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> Explainer.gradCam(model).layer(InMemoryCnn.LOGITS).build());
            assertTrue(e.getMessage().contains("is not a 4-D feature map"), e.getMessage());
        }
    }

    @Test
    void aClosedModelRefusesBuilding() {
        InMemoryCnn model = InMemoryCnn.random(1, 3, 4, 5, 6, 6);
        Explainer.Builder b = Explainer.gradCam(model).layer(InMemoryCnn.RELU);
        model.close();
        assertThrows(ResourceClosedException.class, b::build);
        assertThrows(ResourceClosedException.class, model::layers);
    }
}
