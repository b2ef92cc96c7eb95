package dev.gradcam.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Example03_Nd4jBackendTest {

    @TempDir
    Path dir;

    @Test
    void trainsExplainsAndPointsAtTheObjects() throws Exception {
        Example03_Nd4jBackend.Result r = Example03_Nd4jBackend.run(600, 30, dir);
        assertTrue(Files.size(dir.resolve("nd4j-shapes.png")) > 0);
        assertEquals("nd4j", r.explanation().provenance().backend());
        assertEquals(Shape.of(30, 32, 32), r.explanation().heatmaps().shape());
        assertTrue(r.explanation().heatmaps().allFinite());
        assertTrue(r.accuracy() >= 0.8, "accuracy " + r.accuracy());
        assertTrue(r.pointing() >= 0.8, "pointing game " + r.pointing());
    }
}
