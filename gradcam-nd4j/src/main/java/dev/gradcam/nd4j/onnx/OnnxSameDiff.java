package dev.gradcam.nd4j.onnx;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.nd4j.SameDiffModel;
import dev.gradcam.nd4j.internal.Nd4jRuntime;
import dev.gradcam.nd4j.internal.StdoutSilencer;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.nio.file.Path;
import java.util.Set;

/**
 * Runs {@code .onnx} files on ND4J: reads them with the project's own ONNX reader (no ONNX Runtime, no ND4J ONNX
 * importer) and translates them to SameDiff, whose autodiff then gives the gradients.
 *
 * <pre>{@code
 * try (SameDiffModel model = OnnxSameDiff.load(Path.of("resnet18.onnx"))) { ... }
 * }</pre>
 *
 * <p>The batch axis stays open whatever the file declares. Supported operators: {@link #supportedOperators()};
 * anything else fails with an {@link dev.gradcam.api.UnsupportedOperatorException} naming the op and the node.
 * Stateless and thread-safe.
 */
public final class OnnxSameDiff {

    private OnnxSameDiff() {
    }

    /**
     * Loads and translates an ONNX file (external data next to it is resolved).
     *
     * @throws ModelLoadException                           if the file cannot be read
     * @throws dev.gradcam.api.InvalidModelException        if the model is invalid (the checks of the ONNX Runtime
     *                                                      backend, before anything reads it)
     * @throws dev.gradcam.api.UnsupportedOperatorException if an op cannot be translated
     */
    public static SameDiffModel load(Path file) {
        return load(file, null);
    }

    /**
     * As {@link #load(Path)}, with a concrete input shape for models that leave sizes beyond the batch open.
     *
     * @param inputShape e.g. {@code {1, 3, 224, 224}}, or null to use the declared shape
     */
    public static SameDiffModel load(Path file, long[] inputShape) {
        InvalidArgumentException.requireNonNull(file, "file");
        ModelProto proto = OnnxModelReader.readResolved(file);
        Translation t = translate(proto, inputShape, String.valueOf(file.getFileName()));
        return SameDiffModel.builder(t.graph()).input(t.input()).outputs(t.outputs().toArray(String[]::new))
                .layers(t.layers()).inputShape(t.inputShape()).biases(t.biases())
                .provenance("source", String.valueOf(file.getFileName()))
                .provenance("onnx.opset", String.valueOf(t.opset()))
                .provenance("translation", "ONNX to SameDiff (gradcam-nd4j)")
                .build();
    }

    /**
     * Translates a parsed model.
     *
     * @param inputShape a concrete input shape, or null to use the declared one
     */
    public static Translation translate(ModelProto model, long[] inputShape) {
        return translate(model, inputShape, "the model");
    }

    private static Translation translate(ModelProto model, long[] inputShape, String source) {
        InvalidArgumentException.requireNonNull(model, "model");
        Nd4jRuntime.ensureStarted();
        return StdoutSilencer.call(() -> OnnxTranslator.translate(model, inputShape, source));
    }

    /** The ONNX op types this translator handles (default domain). */
    public static Set<String> supportedOperators() {
        return OpTable.supported();
    }
}
