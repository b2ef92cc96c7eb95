package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Detection targets from the command line on a tiny YOLOv5-style detector: the raw Grad-CAM maps the tool writes
 * match torch.autograd's (made by gradcam-onnx's {@code detection/make_detection_fixtures.py}) to 1e-4.
 */
class DetectionCliTest {

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    private static Path model;
    private static Path input;

    @BeforeAll
    static void copyFixtures() throws IOException {
        model = CliFixtures.copy(fixtures, "yolov5_tiny.onnx");
        input = CliFixtures.copy(fixtures, "yolov5_tiny_input.npy");
    }

    private CliRun explain(String... extra) {
        String[] base = {"explain", "--model", model.toString(), "--input", input.toString(), "--layer", "neck",
            "--activation", "signed", "--out", dir.resolve("out").toString(), "--quiet"};
        return CliRun.with(base, extra);
    }

    private void assertRawMatches(String reference) throws IOException {
        FloatTensor raw = Npy.read(dir.resolve("out").resolve("raw.npy"));
        FloatTensor expected = Npy.read(CliFixtures.copy(fixtures, reference));
        assertEquals(Shape.of(1, 16, 16), raw.shape());
        double err = raw.relativeError(expected);
        assertTrue(err <= 1e-4, "relative error " + err);
    }

    @Test
    void repeatedBoxesFormOneBoxScoreTarget() throws IOException {
        CliRun r = explain("--target", "box:47.69,25.67,72.59,43.0:3", "--target", "box:45.1,35.24,53.19,59.49:1:0.5",
                "--detections", "yolov5");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertRawMatches("yolov5_tiny_box_cam.npy");
        String summary = Files.readString(dir.resolve("out").resolve("summary.json"));
        assertTrue(summary.contains("box-score["), summary);
    }

    @Test
    void detectionTargetPicksClassAtBoxWithTheGuessedLayout() throws IOException {
        CliRun r = explain("--target", "detection:17:3");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertRawMatches("yolov5_tiny_det_cam.npy");
    }

    @Test
    void elementTargetAndInnerOutput() throws IOException {
        // The objectness of box 17, then the same element through an inner tensor named as the output.
        CliRun r = explain("--target", "element:17,4");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        CliRun inner = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--layer",
                "stage1", "--output", "stage2", "--target", "element:5,3,3", "--out", dir.resolve("inner").toString());
        assertEquals(ExitCodes.OK, inner.code(), inner::toString);
        assertEquals(Shape.of(1, 16, 16), Npy.read(dir.resolve("inner").resolve("raw.npy")).shape());
    }

    @Test
    void badTargetsAreArgumentErrors() {
        CliRun r = explain("--target", "box:1,2,3:0");
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("four corners"), r::toString);
        r = explain("--target", "3", "--target", "4");
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("only box targets can be repeated"), r::toString);
        r = explain("--target", "detection:700:1");
        assertEquals(ExitCodes.INVALID_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("box 700 is out of range"), r::toString);
        r = explain("--target", "region:1");
        assertEquals(ExitCodes.INVALID_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("needs a spatial output"), r::toString);
    }

}
