package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees on standard error in a fresh JVM: the tool ships an SLF4J binding (no "No SLF4J providers"
 * warning), and the ONNX backend's line naming the execution provider and why reaches the console at the default
 * level, but not with --quiet. A child JVM, because slf4j-simple reads its settings once per JVM.
 */
class LoggingTest {

    @TempDir
    static Path fixtures;

    @Test
    void theExecutionProviderLineReachesUsersAndNoSlf4jWarning() throws Exception {
        Path model = CliFixtures.copy(fixtures, "resnet_basic.onnx");
        String err = run("layers", "--model", model.toString(), "--compile-cache", "off");
        assertFalse(err.contains("SLF4J"), err);
        // ExecutionProviders' reasons: no driver / the CPU-only jar / CUDA libraries missing; any of them names CPU.
        assertTrue(err.contains("gradcam-onnx: "), err);
        assertTrue(err.contains("resnet_basic.onnx runs on CPU (") || err.contains("runs on CUDA:"), err);

        String quiet = run("layers", "--model", model.toString(), "--compile-cache", "off", "--quiet");
        assertFalse(quiet.contains("gradcam-onnx:"), quiet);
        assertFalse(quiet.contains("SLF4J"), quiet);
    }

    /** Runs the tool in a new JVM on this test's class path; returns its standard error. */
    private static String run(String... args) throws IOException, InterruptedException {
        ChildTool r = ChildTool.run(fixtures, args);
        assertEquals(0, r.code(), r.stderr() + r.stdout());
        return r.stderr();
    }
}
