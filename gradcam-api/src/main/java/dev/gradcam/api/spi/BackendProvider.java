package dev.gradcam.api.spi;

import dev.gradcam.api.DifferentiableModel;

import java.nio.file.Path;
import java.util.Map;

/**
 * Finds and loads models for one backend. Implementations are discovered with {@link java.util.ServiceLoader}
 * ({@code META-INF/services/dev.gradcam.api.spi.BackendProvider}); the one with the highest priority among the
 * available ones that accept a model is used, unless the system property {@code gradcam.backend} names another.
 */
public interface BackendProvider {

    /** A short stable name, e.g. {@code onnx}; what {@code -Dgradcam.backend=} selects. */
    String name();

    /** Higher wins when several backends accept a model. */
    int priority();

    /** Whether this backend can run on this machine now, with the reason when not. Cheap. */
    Availability availability();

    /** Whether this backend can read the file (by extension or a cheap look at its header). */
    boolean accepts(Path model);

    /**
     * Loads a model.
     *
     * @param model   the model file
     * @param options backend-specific settings (e.g. {@code executionProvider=cpu}, {@code intraOpThreads=2});
     *                unknown keys are an error
     * @throws dev.gradcam.api.ModelLoadException if the file cannot be read or is not a model this backend supports
     */
    DifferentiableModel load(Path model, Map<String, String> options);

    /**
     * Whether a backend can be used, and why not.
     *
     * @param available true if usable
     * @param reason    why not (or a note on how it will run), never null
     */
    record Availability(boolean available, String reason) {
        public static Availability yes(String note) {
            return new Availability(true, note);
        }

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
