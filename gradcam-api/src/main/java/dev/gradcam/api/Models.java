package dev.gradcam.api;

import dev.gradcam.api.spi.BackendProvider;
import dev.gradcam.api.spi.BackendRegistry;
import dev.gradcam.api.tensor.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Loads models through whichever backend is on the class path: {@code Models.load(Path.of("resnet50.onnx"))}.
 * The caller closes the returned model.
 */
public final class Models {

    private Models() {
    }

    /**
     * Loads a model with the automatically chosen backend (or the one forced by {@code -Dgradcam.backend=NAME}).
     *
     * @throws ModelLoadException          if the file does not exist or cannot be read
     * @throws BackendUnavailableException if no backend can load it
     */
    public static DifferentiableModel load(Path model) {
        return load(model, null, Map.of());
    }

    /**
     * Loads a model with a named backend (null: choose) and backend options.
     *
     * @throws ModelLoadException          if the file does not exist or cannot be read
     * @throws BackendUnavailableException if the backend is missing or unavailable
     */
    public static DifferentiableModel load(Path model, String backend, Map<String, String> options) {
        InvalidArgumentException.requireNonNull(model, "model");
        InvalidArgumentException.requireNonNull(options, "options");
        requireModelFile(model);
        BackendProvider provider = BackendRegistry.choose(model, backend);
        return provider.load(model, options);
    }

    /**
     * Checks that {@code model} is a file, before a backend is chosen by its name.
     *
     * @throws ModelLoadException if it is a folder (naming the model files in it) or does not exist
     */
    public static void requireModelFile(Path model) {
        InvalidArgumentException.requireNonNull(model, "model");
        if (Files.isDirectory(model)) {
            throw new ModelLoadException(model.toAbsolutePath() + " is a folder, not a model file; give the model file "
                    + "itself" + modelsIn(model));
        }
        if (!Files.isRegularFile(model)) {
            throw new ModelLoadException("model file not found: " + model.toAbsolutePath());
        }
    }

    /** ", e.g. DIR/a.onnx (of 2 .onnx files there)" or "". */
    private static String modelsIn(Path dir) {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            List<Path> onnx = s.filter(p -> p.getFileName().toString().endsWith(".onnx")).sorted().toList();
            return onnx.isEmpty() ? "" : ", e.g. " + onnx.get(0) + " (" + onnx.size() + " .onnx file"
                    + (onnx.size() == 1 ? "" : "s") + " there)";
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /**
     * A view of a model with several inputs (image + depth, a siamese pair) as a model of one input, for every
     * method: passes feed {@code attributed} the images being explained and each other input its fixed value from
     * {@code fixed}, so maps and attributions are about {@code attributed} with the others held constant. To
     * attribute to every input, explain once per input with the others fixed. A fixed value with a batch of 1 is
     * used for every image; otherwise its batch must match the images'. Closing the view leaves {@code model} open.
     *
     * @throws InvalidInputException if {@code attributed} is not an input, or the fixed values do not name exactly
     *                               the other inputs
     */
    public static DifferentiableModel withFixedInputs(DifferentiableModel model, String attributed,
                                                      Map<String, FloatTensor> fixed) {
        return new FixedInputsModel(model, attributed, fixed);
    }
}
