package dev.gradcam.nd4j;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.spi.BackendProvider;
import dev.gradcam.nd4j.internal.Nd4jRuntime;
import dev.gradcam.nd4j.onnx.OnnxSameDiff;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The ND4J SameDiff backend ({@code -Dgradcam.backend=nd4j}). Reads SameDiff's own files ({@code .sd}, {@code .fb},
 * {@code .samediff}, as written by {@code SameDiff.save}) and {@code .onnx} files, which it translates to SameDiff
 * (see {@link OnnxSameDiff}).
 *
 * <p>Options: {@code input} (the input placeholder), {@code output} (comma-separated outputs, the first explained
 * by default), {@code inputShape} (e.g. {@code 1,3,224,224}, when the input leaves sizes open); ONNX files take
 * {@code inputShape} only. Unknown keys
 * are an error. Its priority is below the ONNX backend's, so with both present {@code .onnx} files go to ONNX
 * Runtime unless this backend is forced. Stateless and thread-safe.
 */
public final class Nd4jBackendProvider implements BackendProvider {

    /** The backend's name. */
    public static final String NAME = SameDiffModel.BACKEND;

    /** Option keys accepted by {@link #load}. */
    public static final Set<String> OPTIONS = Set.of("input", "output", "inputShape");

    private static final Set<String> SAMEDIFF_EXTENSIONS = Set.of(".sd", ".fb", ".samediff");
    private static final String ONNX_EXTENSION = ".onnx";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public int priority() {
        return 50;
    }

    @Override
    public Availability availability() {
        return Nd4jRuntime.availability();
    }

    @Override
    public boolean accepts(Path model) {
        String ext = extension(model);
        return SAMEDIFF_EXTENSIONS.contains(ext) || ext.equals(ONNX_EXTENSION);
    }

    @Override
    public DifferentiableModel load(Path model, Map<String, String> options) {
        for (String key : options.keySet()) {
            if (!OPTIONS.contains(key)) {
                throw new InvalidArgumentException("unknown option '" + key + "' for the nd4j backend; known: "
                        + new TreeSet<>(OPTIONS));
            }
        }
        if (!accepts(model)) {
            throw new ModelLoadException("the nd4j backend reads SameDiff files (" + new TreeSet<>(SAMEDIFF_EXTENSIONS)
                    + ") and .onnx files, not " + model.getFileName());
        }
        if (extension(model).equals(ONNX_EXTENSION)) {
            if (options.containsKey("input") || options.containsKey("output")) {
                throw new InvalidArgumentException("options input and output do not apply to ONNX files, whose graph names "
                        + "its input and outputs; only inputShape does");
            }
            return OnnxSameDiff.load(model, inputShape(options.get("inputShape")));
        }
        SameDiffModel.Builder b = SameDiffModel.builder(SameDiffModel.read(model))
                .provenance("source", String.valueOf(model.getFileName()));
        apply(b, options);
        return b.build();
    }

    /** Applies the {@code input}, {@code output} and {@code inputShape} options to a builder. */
    static void apply(SameDiffModel.Builder b, Map<String, String> options) {
        String input = options.get("input");
        if (input != null && !input.isBlank()) {
            b.input(input.trim());
        }
        String output = options.get("output");
        if (output != null && !output.isBlank()) {
            b.outputs(output.trim().split("\\s*,\\s*"));
        }
        long[] dims = inputShape(options.get("inputShape"));
        if (dims != null) {
            b.inputShape(dims);
        }
    }

    /** Parses {@code 1,3,224,224}; null or blank gives null. */
    static long[] inputShape(String shape) {
        if (shape == null || shape.isBlank()) {
            return null;
        }
        String[] parts = shape.trim().split("\\s*[,x]\\s*");
        long[] dims = new long[parts.length];
        try {
            for (int i = 0; i < parts.length; i++) {
                dims[i] = Long.parseLong(parts[i]);
            }
        } catch (NumberFormatException e) {
            throw new ModelLoadException("option inputShape must be sizes separated by commas, e.g. 1,3,224,224; got '"
                    + shape + "'", e);
        }
        return dims;
    }

    static String extension(Path model) {
        String n = String.valueOf(model.getFileName()).toLowerCase(Locale.ROOT);
        int dot = n.lastIndexOf('.');
        return dot < 0 ? "" : n.substring(dot);
    }
}
