package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.method.ScoreCam;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.CountingModel;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.TensorShapeProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@link OnnxModel#forwardBytesPerImage}, by shape inference at the input size asked for. Reference: the model's
 * layers as declared at that size (every computed value of this fixture is a float32 layer), summed by hand.
 */
class ForwardBytesPerImageTest {

    private static final Map<String, String> CPU = Map.of("executionProvider", "cpu");

    /** The fixture's input declared [N, 3, size, size], or with open height and width where size is 0. */
    private static ModelProto declaredAt(long size) throws Exception {
        ModelProto.Builder b = FixedBatchTest.fixture().toBuilder();
        TensorShapeProto.Builder shape = b.getGraphBuilder().getInputBuilder(0).getTypeBuilder()
                .getTensorTypeBuilder().getShapeBuilder();
        for (int axis = 2; axis < 4; axis++) {
            TensorShapeProto.Dimension.Builder d = shape.getDimBuilder(axis).clear();
            if (size > 0) {
                d.setDimValue(size);
            } else {
                d.setDimParam(axis == 2 ? "H" : "W");
            }
        }
        return b.build();
    }

    private static long layerBytes(OnnxModel model) {
        long total = 0;
        for (LayerInfo l : model.layers()) {
            total += 4L * l.shape().dropFirst(1).size();
        }
        return total;
    }

    @Test
    void sumsTheComputedValuesOfOneImageAtTheSizeAskedFor() throws Exception {
        try (OnnxModel at32 = OnnxModel.of(declaredAt(32), "at32", OnnxOptions.parse(CPU));
             OnnxModel at64 = OnnxModel.of(declaredAt(64), "at64", OnnxOptions.parse(CPU));
             OnnxModel open = OnnxModel.of(declaredAt(0), "open", OnnxOptions.parse(CPU))) {
            long small = layerBytes(at32);
            long large = layerBytes(at64);
            assertTrue(small > 0 && large > 3 * small, small + " and " + large);
            assertEquals(small, at32.forwardBytesPerImage(Shape.of(1, 3, 32, 32)));
            assertEquals(small, at32.forwardBytesPerImage(Shape.of(7, 3, 32, 32)), "per image, any batch");
            assertEquals(small, open.forwardBytesPerImage(Shape.of(2, 3, 32, 32)));
            assertEquals(large, open.forwardBytesPerImage(Shape.of(2, 3, 64, 64)));
        }
    }

    @Test
    void aFixedBatchIsDividedOut() throws Exception {
        try (OnnxModel free = OnnxModel.of(FixedBatchTest.fixture(), "free", OnnxOptions.parse(CPU));
             OnnxModel four = OnnxModel.of(FixedBatchTest.withBatch(FixedBatchTest.fixture(), 4), "fixed4",
                     OnnxOptions.parse(CPU))) {
            assertEquals(free.forwardBytesPerImage(Shape.of(1, 3, 32, 32)),
                    four.forwardBytesPerImage(Shape.of(4, 3, 32, 32)));
        }
    }

    @Test
    void scoreCamUnderABudgetRunsSmallerBatchesWithTheSameWeights() throws Exception {
        FloatTensor x = FixedBatchTest.images(1);
        try (OnnxModel model = OnnxModel.of(FixedBatchTest.fixture(), "free", OnnxOptions.parse(CPU))) {
            long perImage = 4L * (3 * 32 * 32 + 32 * 32) + model.forwardBytesPerImage(x.shape()); // input, mask
            ScoreCam budget = CamMethods.scoreCam().withMaxBatch(64).withMemoryBudget(5 * perImage);
            CountingModel counted = new CountingModel(model);
            Explanation small = Explainer.of(counted, budget).layer("layer2").build().explain(x);
            Explanation large = Explainer.of(model, CamMethods.scoreCam().withMaxBatch(64)).layer("layer2").build()
                    .explain(x);
            List<Integer> masked = counted.runBatches().subList(1, counted.runBatches().size());
            assertTrue(masked.stream().allMatch(b -> b <= 5) && masked.contains(5), "batches " + masked);
            assertArrayEquals(large.weights(0).toArray(), small.weights(0).toArray(), 1e-5f);
        }
    }
}
