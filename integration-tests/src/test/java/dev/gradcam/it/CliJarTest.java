package dev.gradcam.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradcam.testsupport.OnnxFixtures;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tool's runnable jar, as this build made it: its manifest, and a run on the newest Java found on this machine,
 * where native access must be granted (Java 24 and later warn on every run otherwise).
 */
class CliJarTest {

    private static final Path JAR = Path.of("..", "gradcam-cli", "target", "gradcam.jar");

    private static void assumeBuilt() {
        assumeTrue(Files.isRegularFile(JAR), "gradcam.jar is built unless -Dgradcam.skipCliJar=true");
    }

    @Test
    void theManifestNamesTheToolAndGrantsNativeAccess() throws IOException {
        assumeBuilt();
        try (JarFile j = new JarFile(JAR.toFile())) {
            Attributes main = j.getManifest().getMainAttributes();
            assertEquals("dev.gradcam.cli.GradcamCli", main.getValue("Main-Class"));
            assertEquals("ALL-UNNAMED", main.getValue("Enable-Native-Access"));
            assertEquals("true", main.getValue("Multi-Release"));
        }
    }

    @Test
    void aModernJavaRunsTheToolWithoutNativeAccessWarnings(@TempDir Path dir) throws Exception {
        assumeBuilt();
        Optional<Path> java = modernJava();
        assumeTrue(java.isPresent(), "no Java 24 or later found (set gradcam.modernJava to one)");
        Path model = OnnxFixtures.root().resolve("resnet_basic.onnx");
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(java.get().toString(), "-jar", JAR.toString(), "layers", "--model",
                model.toString()).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the tool did not finish in 120 s");
        }
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), stderr);
        assertFalse(stderr.contains("restricted method"), stderr);
    }

    /** {@code gradcam.modernJava}, else a JDK of version 24 or later under /usr/lib/jvm. */
    private static Optional<Path> modernJava() throws IOException {
        String given = System.getProperty("gradcam.modernJava");
        if (given != null && !given.isBlank()) {
            return Optional.of(Path.of(given));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        Pattern version = Pattern.compile("JAVA_VERSION=\"(\\d+)");
        try (Stream<Path> homes = Files.list(jvms)) {
            for (Path home : homes.sorted().toList()) {
                Path release = home.resolve("release");
                Path bin = home.resolve("bin").resolve("java");
                if (!Files.isRegularFile(release) || !Files.isExecutable(bin)) {
                    continue;
                }
                for (String line : Files.readAllLines(release)) {
                    Matcher m = version.matcher(line);
                    if (m.lookingAt() && Integer.parseInt(m.group(1)) >= 24) {
                        return Optional.of(bin);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
