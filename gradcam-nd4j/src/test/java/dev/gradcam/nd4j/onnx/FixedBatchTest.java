package dev.gradcam.nd4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.nd4j.SameDiffModel;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.testsupport.OnnxFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file whose input fixes the batch to 4 explains 6 images on the ND4J backend. SameDiff's placeholders keep the
 * batch axis open (docs/backends-and-gpu.md), so no padding is needed; the reference is the same weights with a
 * dynamic batch, explained in the same way. A graph that only runs at its fixed batch is refused with a message that
 * names the way out.
 */
class FixedBatchTest {

    @Test
    void aGraphThatBakesTheFixedBatchInIsRefusedWithTheWayOut(@TempDir Path dir) throws Exception {
        ModelProto.Builder b = withBatchFour(OnnxFixtures.model("resnet_basic"));
        // The classifier's Flatten becomes Reshape(x, [4, -1]): the graph then only runs at batch 4.
        var graph = b.getGraphBuilder();
        for (var node : graph.getNodeBuilderList()) {
            if (node.getOpType().equals("Flatten")) {
                node.setOpType("Reshape").clearAttribute().addInput("batch_four_shape");
            }
        }
        graph.addInitializer(TensorProto.newBuilder().setName("batch_four_shape").addDims(2)
                .setDataType(TensorProto.DataType.INT64_VALUE).addInt64Data(4).addInt64Data(-1));
        Path fixed = dir.resolve("baked.onnx");
        Files.write(fixed, b.build().toByteArray());
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxSameDiff.load(fixed));
        assertTrue(e.getMessage().contains("fixes the batch to 4"), e.getMessage());
        assertTrue(e.getMessage().contains("ONNX Runtime backend"), e.getMessage());
    }

    @Test
    void sixImagesOnAFileDeclaringABatchOfFourMatchTheDynamicModel(@TempDir Path dir) throws Exception {
        Path dynamic = OnnxFixtures.model("resnet_basic");
        ModelProto.Builder b = withBatchFour(dynamic);
        Path fixed = dir.resolve("resnet_basic_batch4.onnx");
        Files.write(fixed, b.build().toByteArray());

        FloatTensor x = images(6);
        try (SameDiffModel four = OnnxSameDiff.load(fixed); SameDiffModel free = OnnxSameDiff.load(dynamic)) {
            for (CamMethod method : List.of(CamMethods.gradCam(), CamMethods.gradCamPlusPlus())) {
                Explanation a = Explainer.of(four, method).layer("layer2").build().explain(x);
                Explanation r = Explainer.of(free, method).layer("layer2").build().explain(x);
                assertEquals(Shape.of(6, 32, 32), a.heatmaps().shape());
                double err = a.rawMaps().relativeError(r.rawMaps());
                assertTrue(r.rawMaps().norm() > 0 && err < 1e-5, method.name() + ": relative L2 error " + err);
            }
        }
    }

    private static ModelProto.Builder withBatchFour(Path file) throws java.io.IOException {
        ModelProto.Builder b = ModelProto.parseFrom(Files.readAllBytes(file)).toBuilder();
        b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(0).clearDimParam().setDimValue(4);
        return b;
    }

    private static FloatTensor images(int n) {
        Random r = new Random(3);
        float[] d = new float[n * 3 * 32 * 32];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(Shape.of(n, 3, 32, 32), d);
    }
}
