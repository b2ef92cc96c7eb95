package dev.gradcam.onnx.targets;

import static dev.gradcam.api.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.DetectionLayout;
import dev.gradcam.api.target.ReferenceBox;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Detection targets on YOLO-style detectors (Conv + BatchNorm + SiLU, Upsample, Concat, Sigmoid/Exp decoding) against
 * torch.autograd in float64 ({@code detection/make_detection_fixtures.py}): "class c at box b" and pytorch-grad-cam's
 * FasterRCNNBoxScoreTarget on the raw YOLOv5 [N, A, 5 + C] and YOLOv8 [N, 4 + C, A] outputs. Scores, input gradients
 * and Grad-CAM's signed map at module {@code neck} must match to 1e-4 relative L2 error.
 */
class DetectionTargetTest {

    private static final double TOLERANCE = 1e-4;
    private static final Pattern DET = Pattern.compile("\"box\":\\s*(\\d+),\\s*\"class\":\\s*(\\d+)");
    private static final Pattern REF = Pattern.compile(
            "\"box\":\\s*\\[\\s*([-\\d.e]+),\\s*([-\\d.e]+),\\s*([-\\d.e]+),\\s*([-\\d.e]+)\\s*],\\s*\"label\":\\s*(\\d+),"
                    + "\\s*\"iou\":\\s*([\\d.]+)");

    static Path detection() {
        try {
            return Path.of(DetectionTargetTest.class.getResource("/dev/gradcam/onnx/detection").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fixture's per-image targets of kind {@code det} or {@code box}. */
    static List<Target> targets(String arch, String kind) throws IOException {
        String json = Files.readString(detection().resolve(arch).resolve("targets.json"));
        DetectionLayout layout = DetectionLayout.named(arch);
        List<Target> out = new ArrayList<>();
        if (kind.equals("det")) {
            Matcher m = DET.matcher(json);
            while (m.find()) {
                out.add(Targets.detection(layout, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))));
            }
            return out;
        }
        // "box": [[refs of image 0], [refs of image 1]]
        String boxes = json.substring(json.indexOf("\"box\": ["));
        int split = boxes.indexOf("],\n  [") + 1;
        for (String image : List.of(boxes.substring(0, split), boxes.substring(split))) {
            List<ReferenceBox> refs = new ArrayList<>();
            Matcher m = REF.matcher(image);
            while (m.find()) {
                refs.add(new ReferenceBox(new dev.gradcam.api.target.Box(Double.parseDouble(m.group(1)),
                        Double.parseDouble(m.group(2)), Double.parseDouble(m.group(3)),
                        Double.parseDouble(m.group(4))), Integer.parseInt(m.group(5)),
                        Double.parseDouble(m.group(6))));
            }
            out.add(Targets.boxScore(layout, refs));
        }
        return out;
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"yolov5, det", "yolov5, box", "yolov8, det", "yolov8, box"})
    void matchesTorchAutograd(String arch, String kind) throws IOException {
        Path dir = detection().resolve(arch);
        FloatTensor input = Npy.read(detection().resolve("input.npy"));
        List<Target> targets = targets(arch, kind);
        try (OnnxModel model = OnnxModel.load(detection().resolve(arch + ".onnx"),
                Map.of("executionProvider", "cpu"))) {
            PassResult pass = model.run(PassRequest.builder(input).seed(Targets.seedFor(targets, 2))
                    .inputGradient(true).build());
            assertClose(Npy.read(dir.resolve("output.npy")), pass.output(), TOLERANCE, "output");
            double[] expectedScores = toDoubles(Npy.read(dir.resolve(kind + ".score.npy")));
            assertArrayEquals(expectedScores, Targets.scores(targets, pass.output()), 1e-4, "target scores");
            assertClose(Npy.read(dir.resolve(kind + ".input_grad.npy")), pass.inputGradient().orElseThrow(), TOLERANCE,
                    "input gradient");

            Explanation e = Explainer.gradCam(model).layer("neck").build().explain(input, targets);
            assertClose(Npy.read(dir.resolve(kind + ".cam__neck.npy")), e.rawMaps(), TOLERANCE, "Grad-CAM at neck");
        }
    }

    private static double[] toDoubles(FloatTensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getFlat(i);
        }
        return d;
    }
}
