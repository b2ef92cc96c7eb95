package dev.gradcam.cli;

import static dev.gradcam.api.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unusual inputs from the command line: two named inputs (attributing to one or to each), a .npy image without a
 * batch axis for a model without one, and an embedding explained by similarity to a reference. Results are compared
 * with torch.autograd references (gradcam-onnx's {@code inputs/make_input_fixtures.py}) to 1e-4.
 */
class InputsCliTest {

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;


    /** Image 0 of a [N, ...] tensor as [1, ...]. */
    private static FloatTensor first(FloatTensor t) {
        return FloatTensor.stack(java.util.List.of(t.slice(0)));
    }

    @Test
    void inputsAreCountedBeforeTheModelLoads() throws IOException {
        // What decides the tool's default workers: a folder's images, a .npy batch's first dim, else one image.
        Path folder = Files.createDirectories(dir.resolve("folder"));
        for (int i = 0; i < 3; i++) {
            GradcamCliTest.image(folder.resolve("img" + i + ".png"), 8, 6);
        }
        Files.writeString(folder.resolve("notes.txt"), "not an image");
        assertEquals(3, InputSources.count(folder));
        assertEquals(1, InputSources.count(folder.resolve("img0.png")));
        Path batch = dir.resolve("batch.npy");
        Npy.write(FloatTensor.zeros(Shape.of(12, 3, 4, 5)), batch);
        assertEquals(12, InputSources.count(batch));
        Path one = dir.resolve("one.npy");
        Npy.write(FloatTensor.zeros(Shape.of(3, 4, 5)), one);
        assertEquals(1, InputSources.count(one));
        assertEquals(1, InputSources.count(dir.resolve("missing.npy")));
        assertEquals(1, InputSources.count(Files.createDirectories(dir.resolve("empty"))));
    }

    @Test
    void namedInputsAttributeToTheChosenOne() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", CliFixtures.copy(fixtures, "two_tower.onnx").toString(), "--input",
                "rgb=" + CliFixtures.copy(fixtures, "two_tower_rgb.npy"), "--input", "depth=" + CliFixtures.copy(fixtures, "two_tower_depth.npy"), "--layer",
                "fusion", "--target", "1", "--out", out.toString(), "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        FloatTensor raw = Npy.read(out.resolve("raw.npy"));
        assertEquals(Shape.of(2, 16, 16), raw.shape());
        assertClose(first(Npy.read(CliFixtures.copy(fixtures, "two_tower_cam__fusion.npy"))), first(raw), 1e-4,
                "attribution");
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"attributedInput\": \"rgb\""), summary);
    }

    @Test
    void attributeAllWritesOneFolderPerInput() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", CliFixtures.copy(fixtures, "two_tower.onnx").toString(), "--input",
                "rgb=" + CliFixtures.copy(fixtures, "two_tower_rgb.npy"), "--input", "depth=" + CliFixtures.copy(fixtures, "two_tower_depth.npy"), "--method",
                "vanilla-gradient", "--attribute", "all", "--target", "1", "--out", out.toString(), "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertClose(first(Npy.read(CliFixtures.copy(fixtures, "two_tower_grad_rgb.npy"))),
                first(Npy.read(out.resolve("rgb").resolve("attribution.npy"))), 1e-4, "attribution");
        assertClose(first(Npy.read(CliFixtures.copy(fixtures, "two_tower_grad_depth.npy"))),
                first(Npy.read(out.resolve("depth").resolve("attribution.npy"))), 1e-4, "attribution");
    }

    @Test
    void missingOrUnknownInputsAreArgumentErrors() throws IOException {
        CliRun r = CliRun.of("explain", "--model", CliFixtures.copy(fixtures, "two_tower.onnx").toString(), "--input",
                "rgb=" + CliFixtures.copy(fixtures, "two_tower_rgb.npy"), "--out", dir.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("missing: [depth]"), r::toString);
        r = CliRun.of("explain", "--model", CliFixtures.copy(fixtures, "two_tower.onnx").toString(), "--input",
                "rgb=" + CliFixtures.copy(fixtures, "two_tower_rgb.npy"), "--input", "depth=" + CliFixtures.copy(fixtures, "two_tower_depth.npy"),
                "--attribute", "ir", "--out", dir.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("--attribute ir is not an input"), r::toString);
    }

    @Test
    void imageWithoutBatchAxisForAModelWithoutOne() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", CliFixtures.copy(fixtures, "unbatched.onnx").toString(), "--input",
                CliFixtures.copy(fixtures, "unbatched_image.npy").toString(), "--layer", "features.1", "--target", "1", "--activation",
                "signed", "--out", out.toString(), "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertClose(Npy.read(CliFixtures.copy(fixtures, "unbatched_cam.npy")), Npy.read(out.resolve("raw.npy")), 1e-4,
                "attribution");
    }

    @Test
    void similarityToAReferenceEmbedding() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", CliFixtures.copy(fixtures, "embedding.onnx").toString(), "--input",
                CliFixtures.copy(fixtures, "embedding_face.npy").toString(), "--layer", "/net/body/body.2/body.2.2/Relu_output_0",
                "--target", "similar-to:" + CliFixtures.copy(fixtures, "embedding_reference.npy"), "--out", out.toString(), "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertClose(Npy.read(CliFixtures.copy(fixtures, "embedding_cam.npy")), Npy.read(out.resolve("raw.npy")), 1e-4,
                "attribution");
    }
}
