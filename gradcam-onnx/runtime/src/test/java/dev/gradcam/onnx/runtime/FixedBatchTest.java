package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A model whose input fixes the batch to 4 explains 6 images (two passes, the second padded). Reference: the same
 * model with a dynamic batch on the same 6 images, in one pass.
 */
class FixedBatchTest {

    private static final Map<String, String> CPU = Map.of("executionProvider", "cpu");

    static ModelProto fixture() throws IOException, URISyntaxException {
        Path p = Path.of(FixedBatchTest.class.getResource("/dev/gradcam/onnx/fixtures/resnet_basic.onnx").toURI());
        return OnnxModelReader.parse(Files.readAllBytes(p), "resnet_basic.onnx");
    }

    static ModelProto withBatch(ModelProto m, long batch) {
        ModelProto.Builder b = m.toBuilder();
        b.getGraphBuilder().getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder()
                .getDimBuilder(0).clearDimParam().setDimValue(batch);
        return b.build();
    }

    static FloatTensor images(int n) {
        Random r = new Random(3);
        float[] d = new float[n * 3 * 32 * 32];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(Shape.of(n, 3, 32, 32), d);
    }

    /** {@code m} with its Flatten replaced by a Reshape to [1, -1]: a batch of 1 baked into the graph, as exports do. */
    static ModelProto withBakedBatch(ModelProto m) {
        ModelProto.Builder b = withBatch(m, 1).toBuilder();
        GraphProto.Builder g = b.getGraphBuilder();
        for (NodeProto.Builder n : g.getNodeBuilderList()) {
            if (n.getOpType().equals("Flatten")) {
                n.setOpType("Reshape").clearAttribute().addInput("baked_shape");
            }
        }
        g.addInitializer(TensorProto.newBuilder().setName("baked_shape").setDataType(ElementType.INT64)
                .addDims(2).addInt64Data(1).addInt64Data(-1));
        return b.build();
    }

    /**
     * Ablation-CAM inside a residual block of a model whose graph bakes in a batch of 1: the head from
     * {@code layer1.0.conv2} also reads the block's input (the skip connection), so each head run feeds many ablated
     * activation rows with one image, and they must go through in parts of one. Found on ddddocr's YOLOX detector
     * (its head reshapes to [1, 6, -1]), where the rows went through unsplit (an IndexOutOfBoundsException). Reference:
     * the dynamic-batch model.
     */
    @Test
    void ablationCamInsideAResidualBlockOfABakedBatchModelMatchesTheDynamicModel() throws Exception {
        ModelProto dynamic = fixture();
        FloatTensor x = images(2);
        try (OnnxModel fixed = OnnxModel.of(withBakedBatch(dynamic), "baked1", OnnxOptions.parse(CPU));
             OnnxModel free = OnnxModel.of(dynamic, "dynamic", OnnxOptions.parse(CPU))) {
            Explanation a = Explainer.of(fixed, CamMethods.ablationCam()).layer("layer1.0.conv2").build().explain(x);
            Explanation b = Explainer.of(free, CamMethods.ablationCam()).layer("layer1.0.conv2").build().explain(x);
            double err = a.rawMaps().relativeError(b.rawMaps());
            assertTrue(b.rawMaps().norm() > 0 && err < 1e-5, "Ablation-CAM: relative L2 error " + err);
        }
    }

    @Test
    void sixImagesOnABatchOfFourMatchTheDynamicModel() throws Exception {
        ModelProto dynamic = fixture();
        FloatTensor x = images(6);
        try (OnnxModel fixed = OnnxModel.of(withBatch(dynamic, 4), "fixed4", OnnxOptions.parse(CPU));
             OnnxModel free = OnnxModel.of(dynamic, "dynamic", OnnxOptions.parse(CPU))) {
            assertEquals(4, fixed.inputs().get(0).shape().dim(0));
            for (CamMethod method : List.of(CamMethods.gradCam(), CamMethods.gradCamPlusPlus(),
                    CamMethods.scoreCam())) {
                Explanation a = Explainer.of(fixed, method).layer("layer2").build().explain(x);
                Explanation b = Explainer.of(free, method).layer("layer2").build().explain(x);
                assertEquals(Shape.of(6, 32, 32), a.heatmaps().shape());
                assertTrue(a.heatmaps().relativeError(b.heatmaps()) < 1e-5, method.name() + " heatmaps");
                double err = a.rawMaps().relativeError(b.rawMaps());
                assertTrue(err < 1e-5, method.name() + ": relative L2 error " + err);
            }
            // The pass itself: a seed from the targets of all 6 images, and the input gradient without padding.
            PassRequest req = PassRequest.builder(x).tap(fixed.resolveLayer("layer2").name()).inputGradient(true)
                    .seed(new Seed.OfOutput(FixedBatchTest::classTwo)).build();
            PassResult pa = fixed.run(req);
            PassResult pb = free.run(req);
            assertEquals(pb.output().shape(), pa.output().shape());
            assertTrue(pa.inputGradient().orElseThrow().relativeError(pb.inputGradient().orElseThrow()) < 1e-5);
            assertTrue(pa.output().relativeError(pb.output()) < 1e-6);
        }
    }

    @Test
    void aFixedBatchTooLargeToPadIsAClearError() throws Exception {
        // Found by the fuzzer: a file declaring a batch of 2^20 given one image must not pad it to 12 GB.
        try (OnnxModel huge = OnnxModel.of(withBatch(fixture(), 1 << 20), "huge", OnnxOptions.parse(CPU))) {
            dev.gradcam.api.InvalidInputException e = org.junit.jupiter.api.Assertions.assertThrows(
                    dev.gradcam.api.InvalidInputException.class, () -> huge.forward(images(1)));
            assertTrue(e.getMessage().contains("fixes the batch to 1048576 images"), e.getMessage());
        }
    }

    /** d logit[i, 2] / d logits for every image: depends on the batch's size, not on padding. */
    private static FloatTensor classTwo(FloatTensor out) {
        float[] d = new float[out.size()];
        int classes = out.shape().intDim(1);
        for (int i = 0; i < out.shape().intDim(0); i++) {
            d[i * classes + 2] = 1;
        }
        return FloatTensor.wrapOwned(out.shape(), d);
    }
}
