package dev.gradcam.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 6, "quiet by default", checked in fresh JVMs (ND4J starts once per JVM, so only a new process sees the
 * start-up): ND4J's stdout prints and old SLF4J binding warnings never reach the console; what remains goes through
 * SLF4J, and the documented logger setting silences it completely.
 */
class QuietConsoleTest {

    /** slf4j-simple's line format: {@code [thread] LEVEL logger - message}. */
    private static final Pattern LOG_LINE = Pattern.compile("^\\[[^\\]]+\\] (TRACE|DEBUG|INFO|WARN|ERROR) \\S+ - .*");

    @Test
    void nothingBypassesLoggingAndNoSlf4jChatter(@TempDir Path dir) throws Exception {
        Output o = runProbe(dir);
        assertEquals("", o.stdout(), "nothing may reach System.out");
        for (String line : o.stderr().lines().toList()) {
            assertTrue(!line.startsWith("SLF4J"), "SLF4J binding chatter on stderr: " + line);
            assertTrue(LOG_LINE.matcher(line).matches(), "stderr line not written by a logger: " + line);
            assertTrue(!line.contains("dev.gradcam") || line.contains(" DEBUG "), "the library logs at DEBUG: " + line);
        }
    }

    @Test
    void theDocumentedLoggerSettingSilencesEverything(@TempDir Path dir) throws Exception {
        Output o = runProbe(dir, "-Dorg.slf4j.simpleLogger.log.org.nd4j=error");
        assertEquals("", o.stdout());
        assertEquals("", o.stderr());
    }

    private static Output runProbe(Path dir, String... jvmArgs) throws IOException, InterruptedException {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(jvmArgs));
        cmd.add("-cp");
        cmd.add(classPath);
        cmd.add(QuietConsoleProbe.class.getName());
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "probe JVM timed out");
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "probe JVM failed: " + stderr);
        return new Output(Files.readString(out, StandardCharsets.UTF_8), stderr);
    }

    private record Output(String stdout, String stderr) {
    }
}
