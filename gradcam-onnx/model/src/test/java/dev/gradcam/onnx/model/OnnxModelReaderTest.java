package dev.gradcam.onnx.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.OperatorSetIdProto;
import dev.gradcam.onnx.proto.Onnx.StringStringEntryProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OnnxModelReaderTest {

    @TempDir
    Path dir;

    @Test
    void roundTripKeepsFieldsOutsideTheSchema() throws Exception {
        ModelProto base = TinyModels.convNet();
        // Fields gradcam's schema leaves out: ModelProto.functions (25), GraphProto.sparse_initializer (15),
        // NodeProto.device_configurations (10), and a field from the future (1000).
        UnknownFieldSet modelExtra = UnknownFieldSet.newBuilder()
                .addField(25, UnknownFieldSet.Field.newBuilder()
                        .addLengthDelimited(ByteString.copyFromUtf8("\n\u0003fun")).build())
                .addField(1000, UnknownFieldSet.Field.newBuilder().addVarint(42).build()).build();
        UnknownFieldSet graphExtra = UnknownFieldSet.newBuilder().addField(15, UnknownFieldSet.Field.newBuilder()
                .addLengthDelimited(ByteString.copyFromUtf8("sparse")).build()).build();
        GraphProto.Builder g = base.getGraph().toBuilder().setUnknownFields(graphExtra);
        g.setNode(0, g.getNode(0).toBuilder().setUnknownFields(UnknownFieldSet.newBuilder().addField(10,
                UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFromUtf8("dev")).build())
                .build()));
        ModelProto model = base.toBuilder().setGraph(g).setUnknownFields(modelExtra).build();
        Path file = dir.resolve("m.onnx");
        Files.write(file, model.toByteArray());

        ModelProto read = OnnxModelReader.read(file);
        assertTrue(read.getUnknownFields().hasField(25));
        assertTrue(read.getUnknownFields().hasField(1000));
        assertTrue(read.getGraph().getUnknownFields().hasField(15));
        assertTrue(read.getGraph().getNode(0).getUnknownFields().hasField(10));
        Path copy = dir.resolve("copy.onnx");
        OnnxModelWriter.write(read, copy);
        assertArrayEquals(Files.readAllBytes(file), Files.readAllBytes(copy), "byte-identical round trip");
    }

    @Test
    void externalDataIsLoadedFromBesideTheModel() throws Exception {
        float[] w = {1.5f, -2f, 3.25f, 0f, 7f, -0.5f};
        ByteBuffer bytes = ByteBuffer.allocate(16 + w.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.put(new byte[16]);
        for (float v : w) {
            bytes.putFloat(v);
        }
        Files.write(dir.resolve("weights.bin"), bytes.array());
        TensorProto external = TensorProto.newBuilder().setName("w").setDataType(ElementType.FLOAT)
                .addDims(2).addDims(3).setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "weights.bin")).addExternalData(entry("offset", "16"))
                .addExternalData(entry("length", "24")).build();
        ModelProto model = withInitializer(external);
        Path file = dir.resolve("ext.onnx");
        Files.write(file, model.toByteArray());

        ModelProto raw = OnnxModelReader.read(file);
        assertTrue(ExternalData.uses(raw));
        assertThrows(ModelLoadException.class, () -> Tensors.toFloats(raw.getGraph().getInitializer(0)));
        ModelProto resolved = OnnxModelReader.readResolved(file);
        assertFalse(ExternalData.uses(resolved));
        assertArrayEquals(w, Tensors.toFloats(resolved.getGraph().getInitializer(0)));
    }

    @Test
    void externalDataMayNotEscapeTheModelFolderOrBeMissing() throws Exception {
        TensorProto escaping = TensorProto.newBuilder().setName("w").setDataType(ElementType.FLOAT).addDims(1)
                .setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(entry("location", "../secret.bin")).build();
        Path file = dir.resolve("bad.onnx");
        Files.write(file, withInitializer(escaping).toByteArray());
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxModelReader.readResolved(file));
        assertTrue(e.getMessage().contains("outside"), e.getMessage());

        TensorProto missing = escaping.toBuilder().setExternalData(0, entry("location", "nope.bin")).build();
        Files.write(file, withInitializer(missing).toByteArray());
        assertThrows(ModelLoadException.class, () -> OnnxModelReader.readResolved(file));
    }

    @Test
    void unsupportedOpsetsAndGarbageAreClearErrors() throws Exception {
        ModelProto old = TinyModels.convNet().toBuilder().setOpsetImport(0,
                OperatorSetIdProto.newBuilder().setDomain("").setVersion(6)).build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> OnnxModelReader.parse(old.toByteArray(),
                "old.onnx"));
        assertTrue(e.getMessage().contains("opset 6") && e.getMessage().contains("7 to 25"), e.getMessage());
        assertThrows(ModelLoadException.class, () -> OnnxModelReader.parse(new byte[] {1, 2, 3, 4}, "junk"));
        assertThrows(ModelLoadException.class, () -> OnnxModelReader.read(dir.resolve("missing.onnx")));
        assertEquals(17, OnnxFormat.opset(TinyModels.convNet()));
    }

    @Test
    void tensorsDecodeEveryStorage() {
        TensorProto typed = TensorProto.newBuilder().setDataType(ElementType.FLOAT).addDims(3)
                .addFloatData(1).addFloatData(2).addFloatData(3).build();
        assertArrayEquals(new float[] {1, 2, 3}, Tensors.toFloats(typed));
        TensorProto ints = TensorProto.newBuilder().setDataType(ElementType.INT64).addDims(2)
                .addInt64Data(-5).addInt64Data(Long.MAX_VALUE).build();
        assertArrayEquals(new long[] {-5, Long.MAX_VALUE}, Tensors.toLongs(ints));
        assertArrayEquals(new long[] {4, -1}, Tensors.toLongs(Tensors.ofLongs("s", 4, -1)));
        // IEEE 754 binary16: 0x3c00 = +1.0 (exponent 15 - 15), 0xc000 = -2.0 (sign, exponent 16 - 15).
        TensorProto half = TensorProto.newBuilder().setDataType(ElementType.FLOAT16).addDims(2)
                .addInt32Data(0x3c00).addInt32Data(0xc000).build();
        assertArrayEquals(new float[] {1f, -2f}, Tensors.toFloats(half));
        assertArrayEquals(new double[] {0.5, -4}, Tensors.toDoubles(Tensors.ofDoubles("d", new long[] {2},
                new double[] {0.5, -4})));
    }

    private static StringStringEntryProto entry(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    private static ModelProto withInitializer(TensorProto t) {
        ModelProto m = TinyModels.convNet();
        return m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, t)).build();
    }
}
