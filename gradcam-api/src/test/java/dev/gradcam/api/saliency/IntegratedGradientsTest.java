package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import dev.gradcam.api.testing.RestrictedModel;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Integrated Gradients: completeness on a random CNN, and exact values where the path integral is known by hand. */
class IntegratedGradientsTest {

    private static final InMemoryCnn MODEL = InMemoryCnn.random(17, 3, 6, 4, 6, 5);

    static Stream<Arguments> baselinesAndRules() {
        return Stream.of(Baselines.zero(), Baselines.blurred(2.0), Baselines.uniform(-0.2f, 0.2f, 9))
                .flatMap(b -> Stream.of(Quadrature.RIEMANN_TRAPEZOID, Quadrature.GAUSS_LEGENDRE,
                        Quadrature.RIEMANN_MIDDLE).map(q -> Arguments.of(b, q, 64)));
    }

    @ParameterizedTest
    @MethodSource("baselinesAndRules")
    void attributionsSumToTheScoreDifferenceWithinOnePercentAt64Steps(Baseline baseline, Quadrature q, int steps) {
        checkCompleteness(baseline, q, steps);
    }

    @ParameterizedTest
    @EnumSource(value = Quadrature.class, names = {"RIEMANN_TRAPEZOID", "GAUSS_LEGENDRE", "RIEMANN_MIDDLE"})
    void fromFullRangeNoiseTheErrorIsSmallAgainstTheScore(Quadrature q) {
        // Noise as strong as the image: the straight path crosses many ReLU kinks (jumps in the gradient), while
        // f(x) - f(x') is small (both are "images" to this model), so the error relative to that difference is
        // ill-conditioned (1 to 2 % at 64 steps). Against the score itself it is below 1 % at 256 steps.
        FloatTensor x = MODEL.randomInput(23, 3);
        for (int i = 0; i < 3; i++) {
            double error = absoluteError(q, 256, x, i);
            assertTrue(error < 0.01 * Math.abs(MODEL.forward(x).slice(i).max()), q + " image " + i + ": " + error);
        }
    }

    private static double absoluteError(Quadrature q, int steps, FloatTensor x, int i) {
        return Saliency.integratedGradients(MODEL).baseline(Baselines.random(9)).steps(steps).quadrature(q)
                .batchSize(256).build().attribute(x).completeness(i).orElseThrow().absoluteError();
    }

    private static void checkCompleteness(Baseline baseline, Quadrature q, int steps) {
        FloatTensor x = MODEL.randomInput(23, 3);
        Attribution a = Saliency.integratedGradients(MODEL).baseline(baseline).steps(steps).quadrature(q)
                .batchSize(64).build().attribute(x);
        for (int i = 0; i < 3; i++) {
            Completeness c = a.completeness(i).orElseThrow();
            assertTrue(Math.abs(c.expected()) > 0.1, "a meaningful score difference: " + c);
            assertTrue(c.relativeError() < 0.01, baseline.describe() + " " + q + " image " + i + ": " + c);
            assertEquals(a.attribution(i).sum(), c.attributionSum(), 1e-3 * Math.abs(c.expected()) + 1e-4);
            FloatTensor xi = x.slice(i).reshape(x.shape().withDim(0, 1));
            FloatTensor bi = baseline.of(x).slice(i).reshape(x.shape().withDim(0, 1));
            int cls = a.targetClass(i);
            assertEquals(MODEL.forward(xi).get(0, cls) - MODEL.forward(bi).get(0, cls), c.expected(), 1e-5);
        }
        assertTrue(a.maxCompletenessError() < 0.01);
    }

    @Test
    void onAHomogeneousModelFromZeroTheGradientIsConstantAlongThePath() {
        // HandModel has no biases, so f(a x) = a f(x) and the gradient is the same for every a > 0: IG = x * grad.
        float[] expected = {1, 2, 3, 4, -2, 0, 0, -1, 0, 0, 0.01f, 0.01f};
        try (InMemoryCnn model = HandModel.model()) {
            for (Quadrature q : new Quadrature[] {Quadrature.RIEMANN_RIGHT, Quadrature.RIEMANN_MIDDLE,
                    Quadrature.GAUSS_LEGENDRE}) {
                Attribution a = Saliency.integratedGradients(model).steps(5).quadrature(q).build()
                        .attribute(HandModel.image(), Targets.classLogit(0));
                assertArrayEquals(expected, a.attributions().toArray(), 1e-5f, q.name());
                assertEquals(0, a.completeness(0).orElseThrow().relativeError(), 1e-6);
            }
            // The left sum evaluates alpha = 0 too, where every ReLU is off: 4 of 5 points count.
            Attribution left = Saliency.integratedGradients(model).steps(5).quadrature(Quadrature.RIEMANN_LEFT)
                    .build().attribute(HandModel.image(), Targets.classLogit(0));
            for (int j = 0; j < expected.length; j++) {
                assertEquals(0.8f * expected[j], left.attributions().getFlat(j), 1e-5f);
            }
            assertEquals(0.2, left.completeness(0).orElseThrow().relativeError(), 1e-5);
        }
    }

    @Test
    void batchingDoesNotChangeResultsAndTheTopClassIsPinned() {
        FloatTensor x = MODEL.randomInput(4, 2);
        IntegratedGradients.Builder b = Saliency.integratedGradients(MODEL).steps(16);
        Attribution one = b.batchSize(1).build().attribute(x);
        Attribution many = b.batchSize(100).build().attribute(x);
        assertTrue(one.attributions().relativeError(many.attributions()) < 1e-6);
        FloatTensor out = MODEL.forward(x);
        for (int i = 0; i < 2; i++) {
            assertEquals(out.slice(i).argMax(), many.targetClass(i));
            assertEquals(out.slice(i).max(), many.score(i), 1e-6);
        }
        Attribution explicit = b.build().attribute(x, List.of(Targets.classLogit(many.targetClass(0)),
                Targets.classLogit(many.targetClass(1))));
        assertTrue(explicit.attributions().relativeError(many.attributions()) < 1e-6);
    }

    @Test
    void badSettingsAndBackendsFailClearly() {
        assertThrows(InvalidArgumentException.class,
                () -> Saliency.integratedGradients(MODEL).quadrature(Quadrature.RIEMANN_TRAPEZOID).steps(1).build());
        assertThrows(UnsupportedCapabilityException.class, () -> Saliency.integratedGradients(
                RestrictedModel.without(MODEL, Capability.INPUT_GRADIENT)).build());
        FloatTensor x = MODEL.randomInput(1, 2);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Saliency.integratedGradients(MODEL)
                .baseline(Baselines.of(FloatTensor.zeros(Shape.of(1, 3, 2, 2)))).build().attribute(x));
        assertTrue(e.getMessage().contains("[2, 3, 6, 5]"), e.getMessage());
    }
}
