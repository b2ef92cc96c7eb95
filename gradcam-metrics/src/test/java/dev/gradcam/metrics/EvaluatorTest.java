package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Metrics by name give the reference values (make_metric_fixtures.py) and say why a metric does not apply. */
class EvaluatorTest {

    private final MetricFixtures fx = new MetricFixtures();

    @Test
    void metricsByNameMatchTheReferences() {
        try (DifferentiableModel model = fx.model()) {
            FloatTensor images = fx.npy("images.npy");
            Evaluator ev = Evaluator.builder(Scoring.of(model).withBatchSize(7)).steps(8).roadNoise(0)
                    .masks(fx.npy("masks.npy")).build();
            List<MetricName> metrics = Stream.of("road-morf:80", "road-lerf:20", "road-morf", "road-lerf",
                    "road-combined", "confidence-change", "drop-in-confidence", "increase-in-confidence", "deletion",
                    "insertion", "complexity", "pointing-game", "energy-pointing-game", "sparseness",
                    "infidelity", "coherency").map(MetricName::parse).toList();
            Evaluation e = ev.evaluate(images, MetricFixtures.TARGETS, Candidate.ofMaps("maps", fx.npy("maps.npy")),
                    metrics);
            for (String name : List.of("road-morf:80", "road-lerf:20", "road-morf", "road-lerf", "road-combined",
                    "confidence-change", "drop-in-confidence", "increase-in-confidence", "complexity",
                    "pointing-game", "energy-pointing-game", "sparseness")) {
                fx.assertMatches(name, e.values(name));
            }
            fx.assertMatches("deletion.zero", e.values("deletion"));
            fx.assertMatches("insertion.blur", e.values("insertion"));
            fx.assertMatches("deletion.zero.curve1", e.curves().get("deletion").scores(1));
            assertEquals(9, e.curves().get("insertion").fractions().length, "8 steps give 9 points");
            assertTrue(Double.isNaN(e.values("infidelity")[0]), "maps from elsewhere have no pixel attributions");
            assertTrue(Double.isNaN(e.values("coherency")[1]), "maps from elsewhere cannot be recomputed");
            assertEquals(2, e.notes().size(), e.notes().toString());
        }
    }

    @Test
    void namesParseAndFailClearly() {
        assertEquals(new MetricName("road-morf", 80), MetricName.parse("ROAD-MORF:80"));
        assertEquals("road-lerf:12.5", MetricName.parse("road-lerf:12.5").toString());
        assertFalse(MetricName.parse("deletion").higherIsBetter());
        assertTrue(MetricName.parse("insertion").higherIsBetter());
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class, () -> MetricName.parse("delet"));
        assertTrue(e.getMessage().contains("deletion"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> MetricName.parse("road-morf:100"));
        assertThrows(InvalidArgumentException.class, () -> MetricName.parse("deletion:5"));
        assertThrows(InvalidArgumentException.class, () -> MetricName.parse("road-morf:x"));
    }

    @Test
    void badShapesAreNamed() {
        try (DifferentiableModel model = fx.model()) {
            FloatTensor images = fx.npy("images.npy");
            Road road = Road.of(Scoring.of(model));
            dev.gradcam.api.InvalidInputException e = assertThrows(dev.gradcam.api.InvalidInputException.class,
                    () -> road.combined(images, FloatTensor.zeros(dev.gradcam.api.tensor.Shape.of(2, 8, 8)),
                            MetricFixtures.TARGETS, Road.DEFAULT_PERCENTILES));
            assertTrue(e.getMessage().contains("[2, 16, 16]"), e.getMessage());
            assertThrows(dev.gradcam.api.InvalidInputException.class, () -> road.combined(images,
                    fx.npy("maps.npy"), MetricFixtures.TARGETS.subList(0, 1), Road.DEFAULT_PERCENTILES));
        }
    }
}
