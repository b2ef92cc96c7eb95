package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code src/main/sh/gradcam} (copied beside the jar as {@code target/gradcam}), run with
 * {@code sh} on a small jar of {@link LauncherProbe} named like the script: the class-data-sharing archive is written
 * by a command's first successful run and used by the next, the tool's stdout and exit code pass through untouched.
 */
class LauncherScriptTest {

    @TempDir
    Path dir;

    private Path script;
    private Path cds;

    @BeforeEach
    void probeBesideScript() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/bin/sh")), "needs a POSIX shell");
        script = dir.resolve("probe");
        Files.copy(Path.of("src/main/sh/gradcam"), script);
        writeProbeJar(dir.resolve("probe.jar"));
        cds = dir.resolve("cds");
    }

    @Test
    void firstSuccessfulRunWritesTheArchiveAndTheNextUsesIt() throws Exception {
        Run first = run(Map.of(), "explain", "--input", "a b.png", "0");
        assertEquals(0, first.code);
        assertEquals("ran explain --input a b.png 0\n", first.stdout, "arguments and stdout pass through untouched");
        List<Path> archives = files(cds);
        assertEquals(1, archives.size(), "one archive, no partial file left: " + archives);
        assertTrue(archives.get(0).getFileName().toString().matches("probe-explain-[0-9]+-[0-9]+\\.jsa"), archives.toString());

        Path classes = dir.resolve("classes.txt");
        Run second = run(Map.of("JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), "explain", "0");
        assertEquals("ran explain 0\n", second.stdout);
        assertTrue(Files.readString(classes).lines().anyMatch(l -> l.contains("dev.gradcam.cli.LauncherProbe source: "
                + "shared objects file")), "the second run loads the tool's classes from the archive");
    }

    @Test
    void aFailedRunKeepsNoArchiveAndItsExitCode() throws Exception {
        Run failed = run(Map.of(), "layers", "3");
        assertEquals(3, failed.code);
        assertEquals("ran layers 3\n", failed.stdout);
        assertEquals(List.of(), files(cds), "nothing kept after a failure");
    }

    @Test
    void commandsThatLoadNoModelAndCdsOffRunThePlainJar() throws Exception {
        assertEquals(0, run(Map.of(), "--version", "0").code);
        assertEquals(0, run(Map.of(), "help", "0").code);
        assertEquals(0, run(Map.of("GRADCAM_CDS", "off"), "explain", "0").code);
        assertFalse(Files.exists(cds) && !files(cds).isEmpty(), "no archive: " + (Files.exists(cds) ? files(cds) : ""));
    }

    @Test
    void aChangedJarGetsANewArchiveAndTheOldOneGoes() throws Exception {
        run(Map.of(), "explain", "0");
        run(Map.of(), "demo", "0");
        List<Path> before = files(cds);
        Path jar = dir.resolve("probe.jar");
        writeProbeJar(jar);
        Files.setLastModifiedTime(jar, FileTime.fromMillis(Files.getLastModifiedTime(jar).toMillis() + 5_000));
        run(Map.of(), "explain", "0");
        List<Path> after = files(cds);
        assertEquals(2, after.size(), "explain's new archive and demo's: " + after);
        assertTrue(after.stream().noneMatch(before.stream().filter(p -> p.toString().contains("-explain-"))
                .toList()::contains), "explain's old archive is gone: " + before + " -> " + after);
    }

    @Test
    void twoInstallsKeepTheirOwnArchives() throws Exception {
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.copy(script, other.resolve("probe"));
        writeProbeJar(other.resolve("probe.jar"));
        for (int round = 0; round < 2; round++) {
            assertEquals(0, run(script, Map.of(), "explain", "0").code);
            assertEquals(0, run(other.resolve("probe"), Map.of(), "explain", "0").code);
        }
        assertEquals(2, files(cds).size(), "one archive per jar: " + files(cds));
    }

    @Test
    void shortRunsUseTheQuickJitTierAndJavaOptsComeLast() throws Exception {
        String quick = "-XX:TieredStopAtLevel=1";
        Path image = GradcamCliTest.image(dir.resolve("cat.PNG"), 4, 4);
        Path folder = Files.createDirectories(dir.resolve("photos"));
        assertTrue(jvm(run(Map.of(), "explain", "--input", image.toString(), "0")).contains(quick), "one image");
        assertTrue(jvm(run(Map.of(), "explain", "--input=rgb=" + image, "0")).contains(quick), "NAME=PATH");
        assertTrue(jvm(run(Map.of(), "layers", "0")).contains(quick));
        assertFalse(jvm(run(Map.of(), "explain", "--input", folder.toString(), "0")).contains(quick), "a folder");
        assertFalse(jvm(run(Map.of(), "explain", "-i", image.toString(), "-i", folder.toString(), "0"))
                .contains(quick), "any folder");
        assertFalse(jvm(run(Map.of(), "explain", "--input", dir.resolve("batch.npy").toString(), "0"))
                .contains(quick), "an array batch");
        assertFalse(jvm(run(Map.of(), "evaluate", "--input", image.toString(), "0")).contains(quick));
        assertFalse(jvm(run(Map.of(), "--version", "0")).contains(quick), "exactly java -jar");
        String overridden = jvm(run(Map.of("JAVA_OPTS", "-XX:TieredStopAtLevel=4"), "layers", "0"));
        assertTrue(overridden.indexOf(quick) < overridden.indexOf("-XX:TieredStopAtLevel=4"), overridden);
    }

    /** The JVM options the probe reported. */
    private static String jvm(Run r) {
        assertEquals(0, r.code, r.stderr);
        return r.stderr.lines().filter(l -> l.startsWith("jvm ")).findFirst().orElseThrow();
    }

    @Test
    void aMissingJarIsAClearError() throws Exception {
        Files.delete(dir.resolve("probe.jar"));
        Run r = run(Map.of(), "explain", "0");
        assertEquals(1, r.code);
        assertTrue(r.stderr.contains("probe.jar does not exist"), r.stderr);
    }

    private record Run(int code, String stdout, String stderr) {
    }

    private Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(script, env, args);
    }

    private Run run(Path launcher, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("/bin/sh", launcher.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("GRADCAM_CDS_DIR", cds.toString());
        pb.environment().remove("JAVA_OPTS");
        pb.environment().remove("GRADCAM_CDS");
        pb.environment().remove("GRADCAM_JAR");
        pb.environment().putAll(env);
        Path err = dir.resolve("stderr.txt");
        pb.redirectError(err.toFile());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        return new Run(code, out, Files.readString(err));
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }

    private static void writeProbeJar(Path jar) throws IOException {
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
        String entry = LauncherProbe.class.getName().replace('.', '/') + ".class";
        try (OutputStream o = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(o, m);
             InputStream in = LauncherProbe.class.getResourceAsStream("LauncherProbe.class")) {
            j.putNextEntry(new JarEntry(entry));
            in.transferTo(j);
            j.closeEntry();
        }
    }
}
