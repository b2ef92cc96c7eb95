package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.io.Npy;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.runtime.OnnxModel;
import dev.gradcam.testsupport.OnnxFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * torchvision's SSDlite and Faster R-CNN (reduced-width exports of the real architectures, gradcam-onnx's
 * {@code detection/make_ssdlite_fixture.py} and {@code make_fasterrcnn_fixture.py}) explained from the command line as
 * docs/detection-and-segmentation.md shows: a [3, H, W] .npy without a batch axis, {@code --output} naming the class
 * scores before the non-differentiable post-processing, {@code --target element:BOX,CLASS}. The raw maps must match
 * torch.autograd's float64 Grad-CAM (the fixtures' {@code cam.npy}) to 1e-4, as the library's reference tests do.
 */
class TorchvisionDetectorsCliTest {

    private static final Path DETECTION = OnnxFixtures.root().resolveSibling("detection");

    @TempDir
    Path dir;

    @Test
    void ssdliteAnchorClassScore() throws IOException {
        Path fixture = DETECTION.resolve("ssdlite");
        String json = Files.readString(fixture.resolve("target.json"));
        int anchor = Integer.parseInt(field(json, "anchor"));
        explainAndCompare("ssdlite", json, anchor);
    }

    @Test
    void fasterRcnnProposalClassScore() throws IOException {
        Path fixture = DETECTION.resolve("fasterrcnn");
        String json = Files.readString(fixture.resolve("target.json"));
        // The traced export may keep a few other proposals than eager torch did, which shifts the list: the row to
        // explain is where torch's selected box is among the model's own proposals.
        FloatTensor image = Npy.read(fixture.resolve("input.npy"));
        FloatTensor boxes;
        try (OnnxModel model = OnnxModel.load(DETECTION.resolve("fasterrcnn.onnx"), Map.of("executionProvider",
                "cpu"))) {
            boxes = model.run(PassRequest.builder(image.reshape(Shape.of(1, image.shape().dim(0),
                    image.shape().dim(1), image.shape().dim(2)))).output(field(json, "proposals_tensor")).build())
                    .output();
        }
        int row = rowOf(boxes, Npy.read(fixture.resolve("proposals.npy")), Integer.parseInt(field(json, "proposal")));
        explainAndCompare("fasterrcnn", json, row);
    }

    private void explainAndCompare(String name, String json, int box) throws IOException {
        Path out = dir.resolve(name);
        CliRun r = CliRun.of("explain", "--model", DETECTION.resolve(name + ".onnx").toString(), "--input",
                DETECTION.resolve(name).resolve("input.npy").toString(), "--output", field(json, "output"),
                "--target", "element:" + box + "," + field(json, "class"), "--layer", field(json, "layer"),
                "--activation", "signed", "--out", out.toString(), "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        FloatTensor raw = Npy.read(out.resolve("raw.npy"));
        FloatTensor expected = Npy.read(DETECTION.resolve(name).resolve("cam.npy"));
        assertEquals(Shape.of(1, expected.shape().dim(expected.shape().rank() - 2),
                expected.shape().dim(expected.shape().rank() - 1)), raw.shape());
        double err = raw.relativeError(expected.reshape(raw.shape()));
        assertTrue(expected.norm() > 0 && err <= 1e-4, name + ": relative L2 error " + err);
    }

    /** The row of {@code boxes} [1, n, 4] equal (to 1e-3 pixels) to row {@code r} of {@code expected} [m, 4]. */
    private static int rowOf(FloatTensor boxes, FloatTensor expected, int r) {
        float[] b = boxes.toArray();
        float[] e = expected.toArray();
        for (int i = 0; i + 4 <= b.length; i += 4) {
            boolean same = true;
            for (int k = 0; k < 4; k++) {
                same &= Math.abs(b[i + k] - e[4 * r + k]) < 1e-3 * Math.max(1, Math.abs(e[4 * r + k]));
            }
            if (same) {
                return i / 4;
            }
        }
        throw new AssertionError("torch's proposal " + r + " is not among the model's proposals");
    }

    private static String field(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\"?([^\",}\\n]+)\"?").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no " + key + " in " + json);
        }
        return m.group(1).trim();
    }
}
