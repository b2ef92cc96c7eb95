package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Region targets from the command line on a tiny segmentation net: the pixels predicted as a class
 * ({@code region:CLASS}) and a mask image ({@code region:CLASS:mask.png}) give torch.autograd's Grad-CAM maps
 * (pytorch-grad-cam's SemanticSegmentationTarget, {@code make_tiny_segmenter.py}) to 1e-4.
 */
class SegmentationCliTest {

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;


    private void assertRegion(String target, String reference) throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", CliFixtures.copy(fixtures, "tiny_segmenter.onnx").toString(), "--input",
                CliFixtures.copy(fixtures, "tiny_segmenter_input.npy").toString(), "--layer", "features", "--target", target,
                "--out", out.toString(), "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        FloatTensor raw = Npy.read(out.resolve("raw.npy"));
        double err = raw.relativeError(Npy.read(CliFixtures.copy(fixtures, reference)));
        assertTrue(err <= 1e-4, target + ": relative error " + err);
    }

    @Test
    void predictedPixelsOfAClass() throws IOException {
        String cls = Files.readString(CliFixtures.copy(fixtures, "tiny_segmenter.txt")).strip();
        assertRegion("region:" + cls, "tiny_segmenter_predicted.npy");
    }

    @Test
    void maskImage() throws IOException {
        String cls = Files.readString(CliFixtures.copy(fixtures, "tiny_segmenter.txt")).strip();
        assertRegion("region:" + cls + ":" + CliFixtures.copy(fixtures, "tiny_segmenter_mask.png"), "tiny_segmenter_png.npy");
    }

    @Test
    void anEmptyMaskIsExplained() throws IOException {
        CliRun r = CliRun.of("explain", "--model", CliFixtures.copy(fixtures, "tiny_segmenter.onnx").toString(), "--input",
                CliFixtures.copy(fixtures, "tiny_segmenter_input.npy").toString(), "--target", "region:3:0.99e9", "--out",
                dir.toString());
        assertEquals(ExitCodes.INVALID_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("selects no pixel"), r::toString);
    }
}
