package dev.gradcam.onnx.torchvision;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradcam.onnx.targets.DetectionReferences;
import dev.gradcam.testsupport.SystemPython;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 11's detectors at full size: torchvision's ssdlite320_mobilenet_v3_large (14 MB) and
 * fasterrcnn_mobilenet_v3_large_320_fpn (75 MB) with random weights, exported by the fixture scripts'
 * {@code --full} (Debian's python3-torch; tagged heavy, skipped where that Python is missing), under the same checks
 * as the reduced models of the default suite (SsdLiteReferenceTest, FasterRcnnReferenceTest). Run: {@code mvn -pl
 * gradcam-onnx/runtime -am test -Dtest=TorchvisionDetectionTest -DexcludedTestGroups=
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@Tag("heavy")
class TorchvisionDetectionTest {

    private static final Path DIR = Path.of("target/bench/detection");
    private static final Path SCRIPTS = Path.of("src/test/resources/dev/gradcam/onnx/detection");

    private static void generate(String name) throws IOException {
        if (Files.exists(DIR.resolve(name).resolve("target.json"))) {
            return;
        }
        assumeTrue(SystemPython.imports("torch", "torchvision", "onnx"),
                "needs Debian's python3-torch, python3-torchvision and python3-onnx to export the models");
        Files.createDirectories(DIR);
        SystemPython.run(SCRIPTS.resolve("make_" + name + "_fixture.py"), "--full", DIR.toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ssdlite", "fasterrcnn"})
    void fullSizeDetectorMatchesTorchAutograd(String name) throws Exception {
        generate(name);
        if (name.equals("ssdlite")) {
            DetectionReferences.ssdLite(DIR);
        } else {
            DetectionReferences.fasterRcnn(DIR);
        }
    }
}
