package dev.gradcam.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradcam.testsupport.OnnxFixtures;
import java.io.File;
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
 * The published jars' module descriptors work at run time: gradcam-api, gradcam-onnx-model and gradcam-onnx (with
 * protobuf, ONNX Runtime and slf4j-api as automatic or named modules) on the module path resolve, the ONNX backend is
 * found through {@code uses}/{@code provides}, Grad-CAM runs, and the internal packages stay unexported. Needs the
 * packaged jars (module-info.class is added at prepare-package): skipped under {@code mvn test}, where the class path
 * holds the modules' classes folders.
 */
class ModulePathTest {

    /** Jars of the module path, by file name: gradcam's three modules and what they require. */
    private static final Pattern MODULE_JARS = Pattern.compile("(gradcam-api|gradcam-onnx-model|gradcam-onnx)-\\d[^/]*"
            + "(?<!-tests)\\.jar|protobuf-java-[^/]*\\.jar|onnxruntime(_gpu)?-[^/]*\\.jar|slf4j-api-[^/]*\\.jar");

    @Test
    void theOnnxBackendRunsFromTheModulePath(@TempDir Path dir) throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> modulePath = new ArrayList<>();
        String testClasses = null;
        for (String entry : classPath.split(File.pathSeparator)) {
            String name = Path.of(entry).getFileName().toString();
            if (MODULE_JARS.matcher(name).matches()) {
                modulePath.add(entry);
            } else if (entry.endsWith("test-classes")) {
                testClasses = entry;
            }
        }
        assumeTrue(modulePath.stream().filter(p -> p.contains("gradcam-")).count() == 3,
                "gradcam's modules are jars only after package (mvn verify): " + modulePath);

        List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", String.join(File.pathSeparator, modulePath), "--add-modules", "dev.gradcam.onnx",
                "-cp", testClasses, ModulePathProbe.class.getName(),
                OnnxFixtures.model("resnet_basic").toString(),
                OnnxFixtures.root().resolve("resnet_basic/input.npy").toString());
        Path out = dir.resolve("out.txt");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the probe JVM timed out");
        String printed = Files.readString(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), printed);
        assertTrue(printed.contains("api module: dev.gradcam.api"), printed);
        assertTrue(printed.contains("backend module: dev.gradcam.onnx"), printed);
        assertTrue(printed.contains("internal exported: false"), printed);
        assertTrue(printed.contains("grad exported: false"), printed);
        assertTrue(printed.contains("heatmaps: [2, 32, 32]"), printed);
    }
}
