package dev.gradcam.onnx.targets;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcam.api.io.Npy;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * One model explaining images from several threads at once, as the CLI's workers do, from its first pass: the
 * post-NMS output's length is learnt by running the model ({@code ShapeProbe}) and the graph is compiled for it, and
 * threads that learn it and compile at the same time must each get what a sequential run gives, bit for bit.
 * The reference is the same model run sequentially in a fresh instance (the SSDlite fixture, see
 * {@link SsdLiteReferenceTest}).
 */
class ConcurrentDetectionTest {

    private static PassResult explainBest(OnnxModel model, FloatTensor image) {
        return model.run(PassRequest.builder(image).output("scores")
                .seed(Targets.seedFor(List.of(Targets.element(0)), 1)).inputGradient(true).build());
    }

    @Test
    void threadsLearningTheDetectionCountAtOnceGetTheSequentialResults() throws Exception {
        FloatTensor image = Npy.read(DetectionTargetTest.detection().resolve("ssdlite").resolve("input.npy"));
        List<FloatTensor> images = new ArrayList<>();
        for (float scale : new float[] {1f, 0.5f, -1f, 3f}) {
            float[] d = image.toArray();
            for (int i = 0; i < d.length; i++) {
                d[i] *= scale;
            }
            images.add(FloatTensor.of(Shape.of(1, image.shape().dim(0), image.shape().dim(1), image.shape().dim(2)), d));
        }
        Map<String, String> options = Map.of("executionProvider", "cpu", "intraOpThreads", "1");
        List<PassResult> sequential = new ArrayList<>();
        try (OnnxModel model = OnnxModel.load(DetectionTargetTest.detection().resolve("ssdlite.onnx"), options)) {
            for (FloatTensor x : images) {
                PassResult r = explainBest(model, x);
                sequential.add(r);
            }
        }

        ExecutorService pool = Executors.newFixedThreadPool(3);
        try (OnnxModel model = OnnxModel.load(DetectionTargetTest.detection().resolve("ssdlite.onnx"), options)) {
            List<Future<PassResult>> runs = new ArrayList<>();
            for (int round = 0; round < 3; round++) {
                for (FloatTensor x : images) {
                    runs.add(pool.submit(() -> explainBest(model, x)));
                }
            }
            for (int i = 0; i < runs.size(); i++) {
                PassResult expected = sequential.get(i % images.size());
                PassResult actual = runs.get(i).get();
                assertEquals(expected.output(), actual.output(), "scores of image " + i % images.size());
                assertEquals(expected.inputGradient().orElseThrow(), actual.inputGradient().orElseThrow(),
                        "input gradient of image " + i % images.size());
            }
        } finally {
            pool.shutdown();
        }
    }
}
