package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The tool run through {@link GradcamCli#main} in a new JVM on the test class path: for what only a fresh JVM shows
 * (logging set up once per JVM, the start-up clock).
 *
 * @param code   the exit code
 * @param stdout standard output
 * @param stderr standard error
 */
record ChildTool(int code, String stdout, String stderr) {

    /** Runs the tool with {@code args}, its output kept in files under {@code dir}. */
    static ChildTool run(Path dir, String... args) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, GradcamCli.class.getName()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the tool's JVM timed out");
        return new ChildTool(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
