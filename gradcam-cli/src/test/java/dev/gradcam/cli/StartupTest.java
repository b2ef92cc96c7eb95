package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The start-up a user waits for, in {@code summary.json}: {@code startupMs}, from the tool's {@code main} to its
 * first pass, present when the tool runs as a program (a new JVM) and absent when it is embedded.
 */
class StartupTest {

    private static final Pattern STARTUP = Pattern.compile("\"startupMs\": ([0-9.]+)");

    @TempDir
    Path dir;

    @Test
    void aRunFromMainReportsItsStartUpAndAnEmbeddedOneDoesNot() throws Exception {
        Path model = CliFixtures.copy(dir, "resnet_basic.onnx");
        Path image = GradcamCliTest.image(dir.resolve("picture.png"), 40, 30);
        long t0 = System.nanoTime();
        ChildTool child = ChildTool.run(dir, "explain", "--model", model.toString(), "--input", image.toString(),
                "--layer", "layer2", "--compile-cache", "off", "--out", dir.resolve("child").toString(), "--quiet");
        double processMs = (System.nanoTime() - t0) / 1e6;
        assertEquals(ExitCodes.OK, child.code(), child::toString);
        Matcher m = STARTUP.matcher(Files.readString(dir.resolve("child/summary.json")));
        assertTrue(m.find(), "a run from main has startupMs");
        double startup = Double.parseDouble(m.group(1));
        assertTrue(startup > 0 && startup < processMs, () -> startup + " ms must be within the process's " + processMs);

        CliRun embedded = CliRun.of("explain", "--model", model.toString(), "--input", image.toString(), "--layer",
                "layer2", "--compile-cache", "off", "--out", dir.resolve("embedded").toString(), "--quiet");
        assertEquals(ExitCodes.OK, embedded.code(), embedded::toString);
        String summary = Files.readString(dir.resolve("embedded/summary.json"));
        assertTrue(summary.contains("\"wallMs\""), summary);
        assertFalse(summary.contains("startupMs"), "an embedded run has no main to count from: " + summary);
    }
}
