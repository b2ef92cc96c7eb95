package dev.gradcam.api.spi;

import dev.gradcam.api.DifferentiableModel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.BackendUnavailableException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.Models;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Backend choice: priority, availability, forcing by name, and loud failures that list every backend seen. */
class BackendRegistryTest {

    private record Fake(String name, int priority, boolean up, String ext) implements BackendProvider {
        @Override
        public Availability availability() {
            return up ? Availability.yes("ok") : Availability.no("native library missing");
        }

        @Override
        public boolean accepts(Path model) {
            return model.toString().endsWith(ext);
        }

        @Override
        public DifferentiableModel load(Path model, Map<String, String> options) {
            throw new UnsupportedOperationException();
        }
    }

    private final List<BackendProvider> providers = List.of(
            new Fake("fast", 20, false, ".onnx"), new Fake("onnx", 10, true, ".onnx"), new Fake("sd", 5, true, ".sd"));

    @Test
    void picksTheBestAvailableProviderThatReadsTheFile() {
        assertEquals("onnx", BackendRegistry.choose(providers, Path.of("m.onnx"), null).name());
        assertEquals("sd", BackendRegistry.choose(providers, Path.of("m.sd"), null).name());
    }

    @Test
    void aForcedBackendIsUsedOrExplained() {
        assertEquals("sd", BackendRegistry.choose(providers, null, "sd").name());
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> BackendRegistry.choose(providers, Path.of("m.onnx"), "fast"));
        assertTrue(e.getMessage().contains("fast: unavailable (native library missing)"), e.getMessage());
        assertTrue(e.getMessage().contains("onnx: not the forced backend"), e.getMessage());
    }

    @Test
    void nothingOnTheClassPathIsALoudError() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> BackendRegistry.choose(List.of(), Path.of("m.onnx"), null));
        assertTrue(e.getMessage().contains("gradcam-onnx"), e.getMessage());
        // gradcam-api alone has no provider: the real lookup fails the same way.
        assertThrows(BackendUnavailableException.class, () -> BackendRegistry.choose(Path.of("x.onnx"), null));
    }

    @Test
    void missingModelFilesAreReportedBeforeBackendChoice() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Models.load(Path.of("nope/missing.onnx")));
        assertTrue(e.getMessage().contains("missing.onnx"), e.getMessage());
    }
}
