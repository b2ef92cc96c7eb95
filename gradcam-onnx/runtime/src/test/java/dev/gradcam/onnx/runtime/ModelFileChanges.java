package dev.gradcam.onnx.runtime;

import com.google.protobuf.ByteString;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

/** Changes to a model file that what is remembered under its identity (digests, summaries) must notice. */
final class ModelFileChanges {

    private ModelFileChanges() {
    }

    /** Waits until {@code file} was last changed more than {@code millis} ago (its status-change time cannot be set). */
    static void waitUntilOlderThan(Path file, long millis) throws Exception {
        long changed = Math.max(Files.getLastModifiedTime(file).toMillis(),
                ((FileTime) Files.getAttribute(file, "unix:ctime")).toMillis());
        long wait = changed + millis - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(wait);
        }
    }

    /** The model with its last float initializer negated: the same serialised size, other bytes, other outputs. */
    static byte[] withNegatedInitializer(Path file) {
        ModelProto m = OnnxModelReader.read(file);
        GraphProto.Builder g = m.getGraph().toBuilder();
        for (int i = g.getInitializerCount() - 1; i >= 0; i--) {
            TensorProto t = g.getInitializer(i);
            if (t.getDataType() == ElementType.FLOAT && t.hasRawData() && t.getRawData().size() >= 4) {
                byte[] raw = t.getRawData().toByteArray();
                for (int b = 3; b < raw.length; b += 4) {
                    raw[b] ^= (byte) 0x80; // the sign bit of each little-endian float
                }
                g.setInitializer(i, t.toBuilder().setRawData(ByteString.copyFrom(raw)));
                return m.toBuilder().setGraph(g).build().toByteArray();
            }
        }
        throw new AssertionError("the fixture has no float initializer in raw_data");
    }
}
