package dev.gradcam.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.Models;
import dev.gradcam.api.spi.BackendProvider;
import dev.gradcam.api.spi.BackendRegistry;
import dev.gradcam.nd4j.demo.ShapesCnn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Discovery, availability and loading through the API's registry. */
class Nd4jBackendProviderTest {

    @Test
    void isFoundByServiceLoaderAndAvailable() {
        BackendProvider p = BackendRegistry.providers().stream().filter(b -> b.name().equals("nd4j")).findFirst()
                .orElseThrow();
        assertTrue(p instanceof Nd4jBackendProvider);
        BackendProvider.Availability a = p.availability();
        assertTrue(a.available(), a.reason());
        assertTrue(a.reason().contains("CPU"), a.reason());
    }

    @Test
    void acceptsSameDiffAndOnnxFiles() {
        Nd4jBackendProvider p = new Nd4jBackendProvider();
        assertTrue(p.accepts(Path.of("model.sd")));
        assertTrue(p.accepts(Path.of("dir/model.FB")));
        assertTrue(p.accepts(Path.of("model.onnx")));
        assertFalse(p.accepts(Path.of("model.pt")));
    }

    @Test
    void modelsLoadsASavedGraphWithOptions(@TempDir Path dir) {
        Path file = dir.resolve("cnn.sd");
        TestGraphs.cnn().save(file.toFile(), false);
        try (DifferentiableModel m = Models.load(file, "nd4j", Map.of("input", ShapesCnn.INPUT, "output",
                ShapesCnn.LOGITS))) {
            assertEquals("nd4j", m.backendName());
            assertEquals(ShapesCnn.LOGITS, m.outputs().get(0).name());
            assertEquals(2, m.forward(TestGraphs.images(2, 1)).shape().dim(0));
        }
    }

    @Test
    void rejectsUnknownOptionsAndUnreadableFiles(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("junk.sd");
        Files.writeString(file, "not a graph");
        Nd4jBackendProvider p = new Nd4jBackendProvider();
        // A bad option is an argument error (the CLI's exit code 2), not a model that cannot be read.
        InvalidArgumentException unknown = assertThrows(InvalidArgumentException.class,
                () -> p.load(file, Map.of("executionProvider", "cuda")));
        assertTrue(unknown.getMessage().contains("executionProvider"), unknown.getMessage());
        ModelLoadException junk = assertThrows(ModelLoadException.class, () -> p.load(file, Map.of()));
        assertTrue(junk.getMessage().contains("junk.sd"), junk.getMessage());
    }
}
