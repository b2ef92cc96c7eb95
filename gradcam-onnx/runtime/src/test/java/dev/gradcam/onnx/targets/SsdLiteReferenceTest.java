package dev.gradcam.onnx.targets;

import static dev.gradcam.api.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * torchvision's SSDlite exported whole, with its post-processing (score threshold, TopK, batched NMS inside an If),
 * explained on the pre-NMS class scores through the output choice. The model is a reduced-width
 * ssdlite320_mobilenet_v3_large built from torchvision's own blocks (width 0.25, 5 classes, 1 MB; see
 * {@code detection/make_ssdlite_fixture.py}, whose {@code --full} exports the full-size model). It takes one image
 * [3, H, W] without a batch axis and resizes it in the graph. The target is the score of the best box's class,
 * {@code scores[anchor, class]}; the scores, the input gradient and Grad-CAM's signed map at
 * {@code backbone.features.0} must match torch.autograd in float64 to 1e-4 relative L2 error.
 */
class SsdLiteReferenceTest {

    private static final double TOLERANCE = 1e-4;

    static String field(String json, String name) {
        return json.replaceAll("(?s).*\"" + name + "\":\\s*\"?([^\",\\n]+)\"?.*", "$1").trim();
    }

    @Test
    void preNmsScoreMatchesTorchAutograd() throws IOException {
        check(DetectionTargetTest.detection());
    }

    /** torch's own float32 relative error on the input gradient, recorded by the fixture script. */
    static double torchFloat32Error(String json) {
        return Double.parseDouble(json.replaceAll(
                "(?s).*\"float32_error\":\\s*\\{\\s*\"input_grad\":\\s*([-0-9.eE]+).*", "$1"));
    }

    /**
     * The checks on {@code root/ssdlite.onnx} and {@code root/ssdlite/}. Input gradients may miss by 3 times torch's
     * own float32 error where that exceeds 1e-4 (the full-size model: 6.3e-4); the reduced one stays under 1e-4.
     */
    static void check(Path root) throws IOException {
        Path detection = root;
        Path dir = detection.resolve("ssdlite");
        String json = Files.readString(dir.resolve("target.json"));
        double gradTolerance = Math.max(TOLERANCE, 3 * torchFloat32Error(json));
        String scores = field(json, "output");
        int anchor = Integer.parseInt(field(json, "anchor"));
        int cls = Integer.parseInt(field(json, "class"));
        FloatTensor image = Npy.read(dir.resolve("input.npy"));
        FloatTensor batch = image.reshape(Shape.of(1, image.shape().dim(0), image.shape().dim(1),
                image.shape().dim(2)));
        List<Target> target = List.of(Targets.element(anchor, cls));
        try (OnnxModel model = OnnxModel.load(detection.resolve("ssdlite.onnx"), Map.of("executionProvider", "cpu"))) {
            PassResult pass = model.run(PassRequest.builder(batch).output(scores).seed(Targets.seedFor(target, 1))
                    .inputGradient(true).build());
            assertClose(Npy.read(dir.resolve("scores.npy")), pass.output(), TOLERANCE, "pre-NMS scores");
            assertEquals(Double.parseDouble(field(json, "score")), Targets.scores(target, pass.output())[0], 1e-5,
                    "target score");
            FloatTensor grad = pass.inputGradient().orElseThrow();
            assertClose(Npy.read(dir.resolve("input_grad.npy")), grad.reshape(image.shape()), gradTolerance,
                    "input gradient");

            FloatTensor cam = Explainer.gradCam(model).layer(field(json, "onnx_tensor")).output(scores).build()
                    .explain(batch, target).rawMaps();
            assertClose(Npy.read(dir.resolve("cam.npy")), cam.reshape(Shape.of(1, cam.shape().dim(1),
                    cam.shape().dim(2))), TOLERANCE, "Grad-CAM at backbone.features.0");

            // The graph's own "scores" output comes after the score threshold, TopK and NMS: its first entry is the
            // best detection, the same box and class, and its gradient flows back through the selections to the
            // same pre-NMS score. The number of detections is learnt by running the model.
            PassResult after = model.run(PassRequest.builder(batch).output("scores")
                    .seed(Targets.seedFor(List.of(Targets.element(0)), 1)).inputGradient(true).build());
            assertEquals(Double.parseDouble(field(json, "score")), after.output().getFlat(0), 1e-5, "best detection");
            assertClose(Npy.read(dir.resolve("input_grad.npy")), after.inputGradient().orElseThrow()
                    .reshape(image.shape()), gradTolerance, "input gradient of the post-NMS score");
        }
    }
}
