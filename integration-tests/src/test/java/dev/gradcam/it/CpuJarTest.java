package dev.gradcam.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.onnxruntime.OrtEnvironment;
import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Models;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.testsupport.OnnxFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The CPU-only class path gradcam-onnx-cpu gives: gradcam-onnx with ONNX Runtime's CUDA jar excluded and the CPU
 * jar added. Runs only in the surefire execution {@code cpu-jar} of this module's pom, which builds exactly that
 * class path.
 */
class CpuJarTest {

    @Test
    void gradCamRunsWithTheSmallCpuJar() {
        assumeTrue(Boolean.getBoolean("gradcam.expectCpuJar"), "runs in the cpu-jar surefire execution only");
        String jar = OrtEnvironment.class.getProtectionDomain().getCodeSource().getLocation().getPath();
        assertTrue(jar.contains("/onnxruntime/") && !jar.contains("onnxruntime_gpu"),
                "ONNX Runtime must come from the CPU jar, came from " + jar);

        Path dir = OnnxFixtures.root().resolve("resnet_basic");
        FloatTensor input = Npy.read(dir.resolve("input.npy"));
        try (DifferentiableModel model = Models.load(OnnxFixtures.root().resolve("resnet_basic.onnx"), "onnx",
                Map.of("executionProvider", "auto"))) {
            assertEquals("CPU", model.executionProvider().toUpperCase(java.util.Locale.ROOT).replaceAll(":.*", ""));
            Explanation e = Explainer.gradCam(model).layer("layer2").build()
                    .explain(input, List.of(Targets.classLogit(1), Targets.classLogit(3)));
            assertEquals(Shape.of(2, 32, 32), e.heatmaps().shape());
            assertTrue(e.heatmaps().allFinite() && e.heatmaps().max() > 0, "a real, non-blank map");
        }
    }
}
