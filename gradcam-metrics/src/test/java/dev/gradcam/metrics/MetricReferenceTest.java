package dev.gradcam.metrics;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every metric against {@code make_metric_fixtures.py}: the published definitions (pytorch-grad-cam's ROAD,
 * confidence change and ARCC with noise 0; RISE's deletion and insertion; Quantus' sparseness and complexity;
 * Captum's infidelity and sensitivity_max) in float64 torch / numpy / scipy on the same small CNN, to 1e-4.
 */
class MetricReferenceTest {

    static MetricFixtures fx;
    static DifferentiableModel model;
    static FloatTensor images;
    static FloatTensor maps;
    static Scoring scoring;

    @BeforeAll
    static void load() {
        fx = new MetricFixtures();
        model = fx.model();
        images = fx.npy("images.npy");
        maps = fx.npy("maps.npy");
        // A small batch size, so that every metric crosses batch boundaries.
        scoring = Scoring.of(model).withBatchSize(5);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    @Test
    void cleanScores() {
        fx.assertMatches("clean", scoring.clean(images, MetricFixtures.TARGETS).scores());
    }

    @ParameterizedTest
    @ValueSource(ints = {10, 20, 30, 40, 50, 60, 70, 80, 90})
    void roadAtEachPercentile(int p) {
        Road road = Road.of(scoring, NoisyLinearImputer.of(0, 0));
        fx.assertMatches("road-morf:" + p, road.mostRelevantFirst(images, maps, MetricFixtures.TARGETS, p));
        fx.assertMatches("road-lerf:" + p, road.leastRelevantFirst(images, maps, MetricFixtures.TARGETS, p));
    }

    @Test
    void roadAveragesAndCombined() {
        Road road = Road.of(scoring, NoisyLinearImputer.of(0, 0));
        List<Double> ps = Road.DEFAULT_PERCENTILES;
        fx.assertMatches("road-morf", road.mostRelevantFirstAverage(images, maps, MetricFixtures.TARGETS, ps));
        fx.assertMatches("road-lerf", road.leastRelevantFirstAverage(images, maps, MetricFixtures.TARGETS, ps));
        fx.assertMatches("road-combined", road.combined(images, maps, MetricFixtures.TARGETS, ps));
    }

    @Test
    void confidenceChange() {
        ConfidenceChange c = ConfidenceChange.of(scoring);
        fx.assertMatches("confidence-change", c.change(images, maps, MetricFixtures.TARGETS));
        fx.assertMatches("drop-in-confidence", c.drop(images, maps, MetricFixtures.TARGETS));
        fx.assertMatches("increase-in-confidence", c.increase(images, maps, MetricFixtures.TARGETS));
    }

    @ParameterizedTest
    @EnumSource(PerturbationBaseline.class)
    void deletionAndInsertionCurves(PerturbationBaseline baseline) {
        DeletionInsertion di = DeletionInsertion.of(scoring).withSteps(8).withBaseline(baseline);
        String kind = baseline.name().toLowerCase(java.util.Locale.ROOT);
        Curves del = di.deletion(images, maps, MetricFixtures.TARGETS);
        Curves ins = di.insertion(images, maps, MetricFixtures.TARGETS);
        for (int i = 0; i < 2; i++) {
            fx.assertMatches("deletion." + kind + ".curve" + i, del.scores(i));
            fx.assertMatches("insertion." + kind + ".curve" + i, ins.scores(i));
        }
        fx.assertMatches("deletion." + kind, del.areas());
        fx.assertMatches("insertion." + kind, ins.areas());
    }

    @Test
    void arccAndItsParts() {
        // The script's stand-in method: squared channel mean of the image, divided by its maximum.
        MapFunction squaredMean = (x, t) -> {
            int n = x.shape().intDim(0);
            int c = x.shape().intDim(1);
            int hw = x.shape().intDim(2) * x.shape().intDim(3);
            float[] out = new float[n * hw];
            for (int i = 0; i < n; i++) {
                double max = 0;
                for (int p = 0; p < hw; p++) {
                    double s = 0;
                    for (int ch = 0; ch < c; ch++) {
                        s += x.getFlat((i * c + ch) * hw + p);
                    }
                    double v = (s / c) * (s / c);
                    out[i * hw + p] = (float) v;
                    max = Math.max(max, v);
                }
                for (int p = 0; p < hw; p++) {
                    out[i * hw + p] /= (float) max;
                }
            }
            return FloatTensor.wrapOwned(dev.gradcam.api.tensor.Shape.of(n, x.shape().intDim(2),
                    x.shape().intDim(3)), out);
        };
        Arcc arcc = Arcc.of(scoring, NoisyLinearImputer.of(0, 0), squaredMean);
        fx.assertMatches("complexity", Arcc.complexity(maps));
        fx.assertMatches("coherency", arcc.coherency(images, maps, MetricFixtures.TARGETS));
        fx.assertMatches("road-combined-arcc", arcc.road(images, maps, MetricFixtures.TARGETS));
        fx.assertMatches("arcc", arcc.arcc(images, maps, MetricFixtures.TARGETS));
    }

    @Test
    void complexityFamily() {
        fx.assertMatches("sparseness", MapComplexity.sparseness(maps));
        fx.assertMatches("entropy", MapComplexity.entropy(maps));
    }

    @Test
    void localisation() {
        FloatTensor masks = fx.npy("masks.npy");
        fx.assertMatches("pointing-game", Localisation.pointingGame(maps, masks, 0));
        fx.assertMatches("pointing-game-tolerance-2", Localisation.pointingGame(maps, masks, 2));
        fx.assertMatches("energy-pointing-game", Localisation.energyPointingGame(maps, masks));
        fx.assertMatches("relevance-mass", Localisation.relevanceMass(maps, masks));
        fx.assertMatches("relevance-rank", Localisation.relevanceRank(maps, masks));
    }

    @Test
    void infidelityOfGradientTimesInput() {
        FloatTensor noise = fx.npy("infidelity_noise.npy");
        Perturbation fixed = (image, sample, shape) -> noise.slice(image).slice(sample);
        double[] got = Robustness.of(scoring).withSamples(4)
                .infidelity(images, fx.npy("attributions.npy"), MetricFixtures.TARGETS, fixed);
        fx.assertMatches("infidelity", got, true);
    }

    @Test
    void maxSensitivity() {
        FloatTensor noise = fx.npy("sensitivity_noise.npy");
        Perturbation fixed = (image, sample, shape) -> noise.slice(image).slice(sample);
        MapFunction squared = (x, t) -> {
            float[] d = x.toArray();
            for (int i = 0; i < d.length; i++) {
                d[i] *= d[i];
            }
            return FloatTensor.wrapOwned(x.shape(), d);
        };
        FloatTensor e = squared.maps(images, MetricFixtures.TARGETS);
        double[] got = Robustness.of(scoring).withSamples(4)
                .maxSensitivity(images, e, MetricFixtures.TARGETS, squared, fixed);
        fx.assertMatches("max-sensitivity", got, true);
    }
}
