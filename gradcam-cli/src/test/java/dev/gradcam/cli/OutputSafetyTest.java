package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.cli.testing.InMemoryBackendProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No output is lost or half-written (issue 12): colliding image names get distinct, listed outputs; a non-empty
 * {@code --out} is refused unless {@code --overwrite}, which removes the previous run's files first; a failed run
 * leaves a summary saying what was written and what failed.
 */
class OutputSafetyTest {

    @TempDir
    Path dir;

    private Path model() throws IOException {
        return InMemoryBackendProvider.write(dir, "cnn", 3, 4, 3, 8, 8);
    }

    private static Set<String> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void collidingStemsGetDistinctListedOutputs() throws IOException {
        Path images = Files.createDirectory(dir.resolve("images"));
        GradcamCliTest.image(images.resolve("cat.jpg"), 8, 8);
        GradcamCliTest.image(images.resolve("cat.png"), 8, 8);
        GradcamCliTest.image(images.resolve("cat-2.png"), 8, 8);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", model().toString(), "--input", images.toString(), "--layer", "relu",
                "--out", out.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        // 3 images x 2 PNGs, raw.npy, heatmap.npy, summary.json: the review saw 7 of these 9.
        Set<String> written = files(out);
        assertEquals(9, written.size(), written::toString);
        for (String name : List.of("cat-jpg", "cat-png", "cat-2")) {
            assertTrue(written.contains(name + ".overlay.png") && written.contains(name + ".heatmap.png"), name);
        }
        String summary = Files.readString(out.resolve("summary.json"));
        assertEquals(new TreeSet<>(OutputFolder.listedFiles(summary)), written, "summary.json lists every file");
        assertTrue(summary.contains("\"status\": \"complete\""), summary);
    }

    @Test
    void aNonEmptyOutIsRefusedUnlessOverwriteWhichRemovesThePreviousRun() throws IOException {
        Path model = model();
        Path images = Files.createDirectory(dir.resolve("images"));
        GradcamCliTest.image(images.resolve("a.png"), 8, 8);
        GradcamCliTest.image(images.resolve("b.png"), 8, 8);
        Path out = dir.resolve("out");
        String[] run = {"explain", "--model", model.toString(), "--input", images.toString(), "--layer", "relu",
            "--out", out.toString()};
        assertEquals(ExitCodes.OK, CliRun.of(run).code());
        Path keep = Files.writeString(out.resolve("notes.txt"), "mine");

        CliRun again = CliRun.of(run);
        assertEquals(ExitCodes.USAGE, again.code(), again::toString);
        assertTrue(again.err().contains("is not empty; give --overwrite"), again::toString);

        // The second run sees one image only: the first run's b.* files must not survive beside it.
        Files.delete(images.resolve("b.png"));
        CliRun third = CliRun.with(run, "--overwrite");
        assertEquals(ExitCodes.OK, third.code(), third::toString);
        Set<String> written = files(out);
        assertFalse(written.contains("b.overlay.png"), written::toString);
        assertTrue(written.contains("a.overlay.png"), written::toString);
        assertEquals("mine", Files.readString(keep), "files the previous run did not write stay");
    }

    @Test
    void aFailedRunLeavesASummaryOfWhatItWrote() throws IOException {
        Path images = Files.createDirectory(dir.resolve("images"));
        GradcamCliTest.image(images.resolve("a.png"), 8, 8);
        Files.writeString(images.resolve("b.png"), "not a picture");
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", model().toString(), "--input", images.toString(), "--layer", "relu",
                "--batch-size", "1", "--out", out.toString());
        assertTrue(r.code() != ExitCodes.OK, r::toString);
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"status\": \"failed\""), summary);
        assertTrue(summary.contains("\"error\""), summary);
        assertEquals(new TreeSet<>(OutputFolder.listedFiles(summary)), files(out), "it lists what is there");
    }
}
