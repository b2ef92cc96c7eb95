package dev.gradcam.onnx.model;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Reads ONNX model files. {@link #read(Path)} returns the model exactly as stored (fields outside gradcam's schema
 * kept as unknown fields); {@link #readResolved(Path)} also loads tensors stored in external files beside the model,
 * for consumers that need the whole model in memory. Stateless and thread-safe.
 */
public final class OnnxModelReader {

    private OnnxModelReader() {
    }

    /**
     * Reads a model as stored; external tensor data stays external.
     *
     * @throws ModelLoadException if the file is missing, unreadable or not an ONNX model of a supported opset
     */
    public static ModelProto read(Path file) {
        InvalidArgumentException.requireNonNull(file, "file");
        try (InputStream in = Files.newInputStream(file)) {
            ModelProto model = parse(in, file.toString());
            OnnxFormat.checkSupported(model, file.toString());
            return model;
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("model file not found: " + file.toAbsolutePath(), e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a model and inlines every externally stored tensor (see {@link ExternalData}).
     *
     * @throws ModelLoadException as {@link #read(Path)}, or if an external data file is missing or too short
     */
    public static ModelProto readResolved(Path file) {
        ModelProto model = read(file);
        Path dir = file.toAbsolutePath().getParent();
        return ExternalData.inline(model, dir);
    }

    /**
     * Parses a model from bytes (no external data resolution).
     *
     * @param source a description for error messages, e.g. a resource name
     * @throws ModelLoadException if the bytes are not an ONNX model of a supported opset
     */
    public static ModelProto parse(byte[] bytes, String source) {
        InvalidArgumentException.requireNonNull(bytes, "bytes");
        try {
            ModelProto model = ModelProto.parseFrom(bytes);
            OnnxFormat.checkSupported(model, source);
            return model;
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException(source + " is not a valid ONNX model: " + e.getMessage(), e);
        }
    }

    private static ModelProto parse(InputStream in, String source) throws IOException {
        CodedInputStream coded = CodedInputStream.newInstance(in);
        // Protobuf's default 64 MB message limit is far below real models; 2 GiB is the format's own ceiling.
        coded.setSizeLimit(Integer.MAX_VALUE);
        coded.setRecursionLimit(256);
        try {
            return ModelProto.parseFrom(coded);
        } catch (InvalidProtocolBufferException e) {
            throw new ModelLoadException(source + " is not a valid ONNX model: " + e.getMessage(), e);
        }
    }
}
