package dev.gradcam.onnx.model;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes ONNX model files, unknown fields included. Stateless and thread-safe. */
public final class OnnxModelWriter {

    private OnnxModelWriter() {
    }

    /**
     * Writes {@code model} to {@code file}, replacing it.
     *
     * @throws GradCamException if the file cannot be written
     */
    public static void write(ModelProto model, Path file) {
        InvalidArgumentException.requireNonNull(model, "model");
        InvalidArgumentException.requireNonNull(file, "file");
        try (OutputStream out = Files.newOutputStream(file)) {
            model.writeTo(out);
        } catch (IOException e) {
            throw new GradCamException("cannot write ONNX model to " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }
}
