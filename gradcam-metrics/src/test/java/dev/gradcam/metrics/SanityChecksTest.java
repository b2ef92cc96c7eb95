package dev.gradcam.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.saliency.Saliency;
import dev.gradcam.api.saliency.SaliencyMaps;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sanity-check runners on the fixture CNN (the trained-model result is Example07_SanityChecksTest's). */
class SanityChecksTest {

    private final MetricFixtures fx = new MetricFixtures();

    @Test
    void anUnchangedModelGivesIdenticalMaps() {
        try (DifferentiableModel model = fx.model()) {
            FloatTensor images = fx.npy("images.npy");
            SanityChecks.Cascade c = SanityChecks.cascade("vanilla-gradient",
                    m -> (x, t) -> SaliencyMaps.grayscale(Saliency.vanilla(m).attribute(x, t).attributions()),
                    model, List.of(new SanityChecks.Step("nothing", fx::model)), images, MetricFixtures.TARGETS);
            assertEquals(2, c.steps().size());
            SanityChecks.StepResult same = c.steps().get(1);
            assertEquals("nothing", same.step());
            assertEquals(1, same.meanSpearman(), 1e-6);
            assertEquals(1, same.meanSsim(), 1e-6);
            assertTrue(Double.isNaN(same.meanHog()), "16 x 16 maps are too small for 3 x 3 blocks of 8 x 8 cells");
        }
    }

    @Test
    void aMethodBlindToTheClassFailsTheRandomLogitTest() {
        try (DifferentiableModel model = fx.model()) {
            FloatTensor images = fx.npy("images.npy");
            MapFunction blind = (x, t) -> FloatTensor.stack(List.of(fx.npy("maps.npy").slice(0),
                    fx.npy("maps.npy").slice(1)));
            for (double ssim : SanityChecks.randomLogit(model, blind, images, MetricFixtures.TARGETS, 10, 0)) {
                assertEquals(1, ssim, 1e-9);
            }
            MapFunction gradient = (x, t) -> SaliencyMaps.grayscale(Saliency.vanilla(model).attribute(x, t)
                    .attributions());
            for (double ssim : SanityChecks.randomLogit(model, gradient, images, MetricFixtures.TARGETS, 10, 0)) {
                assertTrue(ssim < 0.99, "another class's gradient differs: SSIM " + ssim);
            }
            assertThrows(InvalidInputException.class,
                    () -> SanityChecks.randomLogit(model, blind, images, MetricFixtures.TARGETS, 1, 0));
        }
    }
}
