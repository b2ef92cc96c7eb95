package dev.gradcam.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.testing.ForwardingModel;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every metric batches its perturbed inputs: one backend call per batch, never more inputs than the batch size. */
class BatchingTest {

    /** Records the batch size of every backend call. */
    static final class CountingModel extends ForwardingModel {
        final List<Integer> calls = new ArrayList<>();

        CountingModel(DifferentiableModel inner) {
            super(inner);
        }

        @Override
        public PassResult run(PassRequest request) {
            calls.add(request.input().shape().intDim(0));
            return inner.run(request);
        }

        int inferences() {
            return calls.stream().mapToInt(Integer::intValue).sum();
        }
    }

    private final MetricFixtures fx = new MetricFixtures();

    @Test
    void aDeletionCurveOfSStepsCostsSPlusOneInferencesPerImage() {
        try (CountingModel model = new CountingModel(fx.model())) {
            FloatTensor images = fx.npy("images.npy");
            DeletionInsertion.of(Scoring.of(model).withBatchSize(32)).withSteps(100)
                    .deletion(images, fx.npy("maps.npy"), MetricFixtures.TARGETS);
            assertEquals(2 + 2 * 101, model.inferences(), "the clean images once, then 101 points per image");
            assertEquals(1 + (202 + 31) / 32, model.calls.size(), "one backend call per batch of 32: " + model.calls);
            assertTrue(model.calls.stream().allMatch(b -> b <= 32), model.calls.toString());
        }
    }

    @Test
    void roadCombinedRunsBothOrdersAndAllPercentilesTogether() {
        try (CountingModel model = new CountingModel(fx.model())) {
            Road.of(Scoring.of(model).withBatchSize(16), NoisyLinearImputer.of(0, 0)).combined(fx.npy("images.npy"),
                    fx.npy("maps.npy"), MetricFixtures.TARGETS, Road.DEFAULT_PERCENTILES);
            assertEquals(List.of(2, 16, 16, 4), model.calls, "clean, then 2 orders x 9 percentiles x 2 images");
        }
    }

    @Test
    void infidelityBatchesItsPerturbations() {
        try (CountingModel model = new CountingModel(fx.model())) {
            FloatTensor images = fx.npy("images.npy");
            Robustness.of(Scoring.of(model).withBatchSize(8)).withSamples(10).infidelity(images,
                    fx.npy("attributions.npy"), MetricFixtures.TARGETS, Perturbation.gaussian(0.1, 0));
            assertEquals(List.of(2, 8, 8, 4), model.calls);
        }
    }
}
