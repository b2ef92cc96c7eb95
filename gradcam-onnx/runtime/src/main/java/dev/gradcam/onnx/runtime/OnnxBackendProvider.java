package dev.gradcam.onnx.runtime;

import ai.onnxruntime.OrtEnvironment;
import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.BackendProvider;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** The ONNX backend, found by {@link java.util.ServiceLoader}: reads {@code .onnx} files and runs them on ONNX Runtime. */
public final class OnnxBackendProvider implements BackendProvider {

    /** The backend's name, for {@code -Dgradcam.backend=onnx}. */
    public static final String NAME = "onnx";

    /** Made by {@link java.util.ServiceLoader} when {@code Models.load} looks for backends. */
    public OnnxBackendProvider() {
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 100;
    }

    @Override
    public Availability availability() {
        try {
            OrtEnvironment.getEnvironment();
            return Availability.yes("ONNX Runtime loaded");
        } catch (RuntimeException | LinkageError e) {
            return Availability.no("ONNX Runtime's native library failed to load: " + e);
        }
    }

    @Override
    public boolean accepts(Path model) {
        return model != null && model.getFileName() != null
                && model.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".onnx");
    }

    @Override
    public DifferentiableModel load(Path model, Map<String, String> options) {
        return OnnxModel.load(model, options);
    }
}
