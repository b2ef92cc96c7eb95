package dev.gradcam.api.method;

import static dev.gradcam.api.testing.Explainers.signedRaw;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.post.Bilinear;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.CountingModel;
import dev.gradcam.api.testing.ForwardingModel;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Score-CAM (Wang et al. 2020, Eq. 5-6): w_k = score(X .* s(Up(A_k))), map = sum_k w_k A_k. */
class ScoreCamTest {

    @Test
    void weightsAreTheTargetScoresOfTheMaskedImagesByHand() {
        // HandModel: a masked input X .* M gives maps A_q .* M (M >= 0), so logit_0 = sum_q w_q sum_ij A_q M with
        // w = [1, -0.5, 0.01]. Masks (min-max of A_k): M0 = [0, 1/3, 2/3, 1], M1 = [1, 0, 0, .5], M2 = [0, 0, 1, 1].
        // M0: 20/3 - 0.5 * 2 + 0.01 * 5/3; M1: 3 - 0.5 * 5 + 0.01 * 0.5; M2: 7 - 0.5 * 2 + 0.01 * 2.
        double s0 = 20.0 / 3 - 1 + 0.05 / 3;
        double s1 = 3 - 2.5 + 0.005;
        double s2 = 7 - 1 + 0.02;
        try (InMemoryCnn model = HandModel.model()) {
            Explanation e = signedRaw(model, CamMethods.scoreCam(), "relu").build()
                    .explain(HandModel.image(), Targets.classLogit(0));
            assertArrayEquals(new float[] {(float) s0, (float) s1, (float) s2}, e.weights(0).toArray(), 1e-5f);
            float[] a0 = {1, 2, 3, 4};
            float[] a1 = {4, 0, 0, 2};
            float[] a2 = {0, 0, 1, 1};
            float[] expected = new float[4];
            for (int i = 0; i < 4; i++) {
                expected[i] = (float) (s0 * a0[i] + s1 * a1[i] + s2 * a2[i]);
            }
            assertArrayEquals(expected, e.rawMaps().toArray(), 1e-4f);
        }
    }

    @Test
    void eachMaskedImageIsTheImageTimesItsNormalisedUpsampledMapExactly() {
        // Reference: Score-CAM's mask restated, s(Up(A_k)) = (Up(A_k) - min) / (max - min) in float as the method
        // documents, times the image; bit for bit, in the order the channels are batched. 70 channels: more than one
        // run of upsampled maps, with batches that end inside a run and runs that end inside a batch.
        InMemoryCnn inner = InMemoryCnn.random(4, 3, 70, 2, 6, 7).withFilterZeroed(3).withFilterZeroed(63)
                .withFilterZeroed(64);
        FloatTensor x = inner.randomInput(9, 2);
        FloatTensor acts = inner.run(PassRequest.builder(x).tap(InMemoryCnn.RELU).build()).activation(InMemoryCnn.RELU);
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            for (int k = 0; k < 70; k++) {
                FloatTensor up = Bilinear.resize(acts.slice(i).slice(k), 6, 7);
                float min = up.min();
                double range = (double) up.max() - min;
                if (range == 0) {
                    continue;
                }
                float[] masked = x.slice(i).toArray();
                for (int q = 0; q < masked.length; q++) {
                    masked[q] *= (float) ((up.getFlat(q % 42) - min) / range);
                }
                expected.add(masked);
            }
        }
        assertEquals(2 * (70 - 3), expected.size(), "three constant channels per image, skipped");
        for (int bound : new int[] {1, 4, 100}) {
            List<FloatTensor> seen = new ArrayList<>();
            ForwardingModel recording = new ForwardingModel(inner) {
                @Override
                public PassResult run(PassRequest request) {
                    seen.add(request.input());
                    return inner.run(request);
                }
            };
            signedRaw(recording, CamMethods.scoreCam().withMaxBatch(bound), "relu").build().explain(x);
            List<float[]> masked = new ArrayList<>();
            for (FloatTensor batch : seen.subList(1, seen.size())) {
                assertTrue(batch.shape().dim(0) <= bound);
                for (int j = 0; j < batch.shape().intDim(0); j++) {
                    masked.add(batch.slice(j).toArray());
                }
            }
            assertEquals(expected.size(), masked.size(), "maxBatch " + bound);
            for (int j = 0; j < masked.size(); j++) {
                assertArrayEquals(expected.get(j), masked.get(j), 0f, "maxBatch " + bound + ", masked image " + j);
            }
        }
    }

    @Test
    void theDefaultTopClassTargetKeepsTheOriginalClassOnMaskedImages() {
        InMemoryCnn model = InMemoryCnn.random(9, 2, 6, 5, 5, 5);
        FloatTensor x = model.randomInput(4, 3);
        Explainer ex = signedRaw(model, CamMethods.scoreCam(), "relu").build();
        Explanation top = ex.explain(x);
        FloatTensor logits = model.forward(x);
        for (int i = 0; i < 3; i++) {
            Explanation fixed = ex.explain(FloatTensor.stack(List.of(x.slice(i))),
                    Targets.classLogit(logits.slice(i).argMax()));
            assertArrayEquals(fixed.weights(0).toArray(), top.weights(i).toArray(), 1e-6f);
        }
    }

    @Test
    void theMemoryBoundHoldsForEveryForwardBatch() {
        InMemoryCnn inner = InMemoryCnn.random(8, 2, 7, 3, 6, 5);
        FloatTensor x = inner.randomInput(2, 3);
        for (int bound : new int[] {1, 4, 16}) {
            CountingModel model = new CountingModel(inner);
            Explanation e = signedRaw(model, CamMethods.scoreCam().withMaxBatch(bound), "relu").build().explain(x);
            List<Integer> batches = model.runBatches();
            assertEquals(3, batches.get(0), "the explainer's own pass over the batch");
            List<Integer> masked = batches.subList(1, batches.size());
            assertTrue(masked.stream().allMatch(b -> b >= 1 && b <= bound), "batches " + masked);
            int constant = 0;
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 7; k++) {
                    constant += e.weights(i).getFlat(k) == 0f ? 1 : 0;
                }
            }
            assertEquals(3 * 7 - constant, masked.stream().mapToInt(Integer::intValue).sum());
        }
    }

    @Test
    void aConstantChannelGivesAFiniteMapInBothVariants() {
        // x1 all negative makes A1 = relu(x1) = 0 everywhere: a constant channel.
        FloatTensor image = FloatTensor.of(Shape.of(1, 3, 2, 2), 1, 2, 3, 4, -1, -2, -3, -4, -1, -1, 1, 1);
        try (InMemoryCnn model = HandModel.model()) {
            Explanation paper = signedRaw(model, CamMethods.scoreCam(), "relu").build()
                    .explain(image, Targets.classLogit(0));
            assertEquals(0f, paper.weights(0).getFlat(1), "constant channel: weight 0, no pass");
            assertTrue(paper.rawMaps().allFinite() && paper.heatmaps().allFinite());
            Explanation compat = signedRaw(model, CamMethods.scoreCam().pytorchGradCam(), "relu").build()
                    .explain(image, Targets.classLogit(0));
            assertTrue(compat.rawMaps().allFinite() && compat.weights(0).allFinite());
            assertEquals(1.0, compat.weights(0).sum(), 1e-6, "pytorch-grad-cam: softmax over channels");
        }
    }

    @Test
    void thePytorchGradCamPresetRunsTheAllZeroMaskedImageOncePerImage() {
        // Filters 1 and 3 zeroed: A1 = A3 = 0 everywhere, both mask the image to all zeros under (x - min) /
        // (max - min + 1e-8). Reference: pytorch-grad-cam's ScoreCAM.get_cam_weights restated below, every channel
        // run on its own masked image.
        InMemoryCnn inner = InMemoryCnn.random(8, 2, 6, 3, 5, 4).withFilterZeroed(1).withFilterZeroed(3);
        FloatTensor x = inner.randomInput(5, 2);
        CountingModel model = new CountingModel(inner);
        Explanation e = signedRaw(model, CamMethods.scoreCam().withMaxBatch(3).pytorchGradCam(), "relu").build()
                .explain(x, Targets.classLogit(2));
        List<Integer> batches = model.runBatches();
        assertEquals(2 * (6 - 2 + 1), batches.subList(1, batches.size()).stream().mapToInt(Integer::intValue).sum(),
                "per image: 4 informative channels and one all-zero masked image");
        FloatTensor acts = inner.run(PassRequest.builder(x).tap(InMemoryCnn.RELU).build()).activation(InMemoryCnn.RELU);
        for (int i = 0; i < 2; i++) {
            double[] scores = new double[6];
            for (int k = 0; k < 6; k++) {
                FloatTensor up = Bilinear.resizeAlignCorners(acts.slice(i).slice(k), 5, 4);
                float min = up.min();
                double range = (double) up.max() - min + 1e-8;
                float[] masked = x.slice(i).toArray();
                for (int q = 0; q < masked.length; q++) {
                    masked[q] *= (float) ((up.getFlat(q % 20) - min) / range);
                }
                scores[k] = inner.forward(FloatTensor.wrapOwned(Shape.of(1, 2, 5, 4), masked)).getFlat(2);
            }
            double max = java.util.Arrays.stream(scores).max().orElseThrow();
            double sum = java.util.Arrays.stream(scores).map(v -> Math.exp(v - max)).sum();
            for (int k = 0; k < 6; k++) {
                assertEquals(Math.exp(scores[k] - max) / sum, e.weights(i).getFlat(k), 1e-6, "image " + i + " k " + k);
            }
            assertEquals(e.weights(i).getFlat(1), e.weights(i).getFlat(3));
        }
    }

    @Test
    void progressIsReportedAfterEveryBatchUntilDone() {
        InMemoryCnn model = InMemoryCnn.random(2, 2, 5, 3, 4, 4);
        List<long[]> seen = new ArrayList<>();
        signedRaw(model, CamMethods.scoreCam().withMaxBatch(3), "relu").progress((task, done, total) -> {
            assertTrue(task.startsWith("score-cam"));
            seen.add(new long[] {done, total});
        }).build().explain(model.randomInput(5, 2));
        assertTrue(seen.size() >= 4);
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(seen.get(i)[0] >= seen.get(i - 1)[0]);
        }
        assertArrayEquals(new long[] {10, 10}, seen.get(seen.size() - 1));
    }

    @Test
    void aBatchWithATargetPerImageEqualsTheImagesExplainedAlone() {
        InMemoryCnn model = InMemoryCnn.random(3, 2, 4, 3, 5, 5);
        FloatTensor x = model.randomInput(7, 2);
        Explainer ex = signedRaw(model, CamMethods.scoreCam().withMaxBatch(3), "relu").build();
        Explanation both = ex.explain(x, List.of(Targets.classLogit(2), Targets.classProbability(0)));
        Explanation first = ex.explain(FloatTensor.stack(List.of(x.slice(0))), Targets.classLogit(2));
        Explanation second = ex.explain(FloatTensor.stack(List.of(x.slice(1))), Targets.classProbability(0));
        assertArrayEquals(first.rawMaps().toArray(), both.rawMaps().slice(0).toArray(), 1e-5f);
        assertArrayEquals(second.rawMaps().toArray(), both.rawMaps().slice(1).toArray(), 1e-5f);
    }

    @Test
    void cornerAlignedUpsamplingAsPyTorchAlignCornersTrue() {
        // [0, 1] to 4 samples: align_corners=True -> [0, 1/3, 2/3, 1]; half-pixel -> [0, .25, .75, 1].
        FloatTensor row = FloatTensor.of(Shape.of(1, 2), 0, 1);
        assertArrayEquals(new float[] {0, 1f / 3, 2f / 3, 1}, Bilinear.resizeAlignCorners(row, 1, 4).toArray(), 1e-6f);
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, Bilinear.resize(row, 1, 4).toArray(), 1e-6f);
    }

    @Test
    void rejectsANonPositiveBound() {
        assertThrows(InvalidArgumentException.class, () -> CamMethods.scoreCam().withMaxBatch(0));
    }

    @Test
    void aMemoryBudgetSizesTheMaskedBatchesAndChangesNoWeight() {
        // InMemoryCnn(2 channels, 7 filters, 3 classes, 6x5): per image the masked input (2*6*5 floats), its mask
        // (6*5) and the layers conv and relu [7, 6, 5], pool [7, 1, 1], logits [3], 4 bytes each.
        InMemoryCnn inner = InMemoryCnn.random(8, 2, 7, 3, 6, 5);
        long perImage = 4L * (2 * 6 * 5 + 6 * 5 + 2 * 7 * 6 * 5 + 7 + 3);
        FloatTensor x = inner.randomInput(2, 3);
        Explanation unbounded = signedRaw(inner, CamMethods.scoreCam().withMaxBatch(64), "relu").build().explain(x);
        CountingModel model = new CountingModel(inner);
        ScoreCam budget = CamMethods.scoreCam().withMaxBatch(64).withMemoryBudget(3 * perImage + perImage / 2);
        assertEquals(3, budget.batchSize(model, x.shape()));
        Explanation e = signedRaw(model, budget, "relu").build().explain(x);
        List<Integer> masked = model.runBatches().subList(1, model.runBatches().size());
        assertTrue(masked.stream().allMatch(b -> b <= 3) && masked.contains(3), "batches " + masked);
        for (int i = 0; i < 3; i++) {
            assertArrayEquals(unbounded.weights(i).toArray(), e.weights(i).toArray(), 0f, "image " + i);
        }
    }

    @Test
    void theBatchIsAtLeastOneAndAtMostMaxBatchWhateverTheBudget() {
        InMemoryCnn model = InMemoryCnn.random(8, 2, 7, 3, 6, 5);
        Shape in = Shape.of(1, 2, 6, 5);
        assertEquals(1, CamMethods.scoreCam().withMemoryBudget(1).batchSize(model, in));
        assertEquals(5, CamMethods.scoreCam().withMaxBatch(5).withMemoryBudget(Long.MAX_VALUE).batchSize(model, in));
        assertEquals(ScoreCam.DEFAULT_MAX_BATCH, CamMethods.scoreCam().batchSize(model, in), "no budget");
        assertEquals(ScoreCam.DEFAULT_MAX_BATCH, CamMethods.scoreCam().withMemoryBudget(1).withMemoryBudget(0)
                .batchSize(model, in), "0 turns the budget off");
        assertThrows(InvalidArgumentException.class, () -> CamMethods.scoreCam().withMemoryBudget(-1));
    }

    @Test
    void theBudgetSurvivesEveryOtherSetting() {
        ScoreCam s = CamMethods.scoreCam().withMemoryBudget(1 << 20);
        for (ScoreCam variant : List.of(s.pytorchGradCam(), s.withAlignCorners(true), s.withChannelSoftmax(true),
                s.withMaxBatch(4), (ScoreCam) s.compatible(Compatibility.PYTORCH_GRAD_CAM))) {
            assertEquals(1 << 20, variant.memoryBudget());
            assertTrue(variant.settings().contains("memoryBudget=1048576"), variant.settings());
        }
        assertTrue(!CamMethods.scoreCam().settings().contains("memoryBudget"));
    }
}
