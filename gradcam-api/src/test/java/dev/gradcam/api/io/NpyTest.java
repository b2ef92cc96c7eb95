package dev.gradcam.api.io;

import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NpyTest {

    /** Fixtures made by make_npy_fixtures.py (beside them in src/test/resources/dev/gradcam/api/io). */
    private static FloatTensor fixture(String name) throws IOException {
        try (InputStream in = NpyTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test fixture " + name);
            }
            return Npy.read(in);
        }
    }

    private static byte[] fixtureBytes(String name) throws IOException {
        try (InputStream in = NpyTest.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing test fixture " + name);
            }
            return in.readAllBytes();
        }
    }

    @Test
    void readsFloat32COrder() throws IOException {
        FloatTensor t = fixture("f32_2x3.npy");
        assertEquals(Shape.of(2, 3), t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toArray());
    }

    @Test
    void transposesFortranOrderIntoRowMajor() throws IOException {
        FloatTensor t = fixture("f32_fortran.npy");
        assertEquals(Shape.of(2, 3), t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, t.toArray());
        assertEquals(4f, t.get(1, 0));
    }

    @Test
    void convertsFloat64() throws IOException {
        FloatTensor t = fixture("f64_3.npy");
        assertEquals(Shape.of(3), t.shape());
        assertArrayEquals(new float[] {0.5f, -1.25f, 3.0f}, t.toArray());
    }

    @Test
    void convertsInt64() throws IOException {
        FloatTensor t = fixture("i64_4.npy");
        assertEquals(Shape.of(4), t.shape());
        assertArrayEquals(new float[] {1, 2, 3, 4}, t.toArray());
    }

    @Test
    void readsBigEndian() throws IOException {
        FloatTensor t = fixture("f32_big_endian.npy");
        assertArrayEquals(new float[] {1.5f, -2.5f}, t.toArray());
    }

    @Test
    void readsZeroDimensionalScalar() throws IOException {
        FloatTensor t = fixture("f32_scalar.npy");
        assertEquals(0, t.shape().rank());
        assertEquals(1, t.size());
        assertEquals(7.0f, t.getFlat(0));
    }

    @Test
    void readsFourDimensions() throws IOException {
        FloatTensor t = fixture("f32_4d.npy");
        assertEquals(Shape.of(1, 2, 3, 4), t.shape());
        for (int i = 0; i < 24; i++) {
            assertEquals(i, t.getFlat(i));
        }
        assertEquals(23f, t.get(0, 1, 2, 3));
    }

    @Test
    void writesExactlyWhatNumpySaveWrites() throws IOException {
        // From numpy 1.24.2: np.save(buf, np.array([[1,2,3],[4,5,6]], dtype='<f4')); buf.getvalue().hex()
        String numpyHex = "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f726465"
                + "72273a2046616c73652c20277368617065273a2028322c2033292c207d2020202020202020202020"
                + "20202020202020202020202020202020202020202020202020202020202020202020202020202020"
                + "202020202020200a0000803f0000004000004040000080400000a0400000c040";
        FloatTensor t = FloatTensor.of(Shape.of(2, 3), 1, 2, 3, 4, 5, 6);
        byte[] ours = Npy.toBytes(t);
        assertEquals(numpyHex, HexFormat.of().formatHex(ours));
        assertEquals(0, (ours.length - 4 * 6) % 64, "data starts on a 64-byte boundary");
        // The fixtures were written by numpy.save too.
        assertArrayEquals(fixtureBytes("f32_2x3.npy"), ours);
        assertArrayEquals(fixtureBytes("f32_4d.npy"), Npy.toBytes(fixture("f32_4d.npy")));
        assertArrayEquals(fixtureBytes("f32_scalar.npy"), Npy.toBytes(fixture("f32_scalar.npy")));
    }

    @Test
    void writesOneDimensionalAndScalarHeadersLikeNumpy() {
        // From numpy 1.24.2: np.save(buf, np.array([0.5, -1.25], dtype='<f4')); buf.getvalue().hex()
        String numpyHex = "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f726465"
                + "72273a2046616c73652c20277368617065273a2028322c292c207d20202020202020202020202020"
                + "20202020202020202020202020202020202020202020202020202020202020202020202020202020"
                + "202020202020200a0000003f0000a0bf";
        assertEquals(numpyHex, HexFormat.of().formatHex(Npy.toBytes(FloatTensor.of(Shape.of(2), 0.5f, -1.25f))));
        // From numpy 1.24.2: np.save(buf, np.array(7.0, dtype='<f4')) -- 0-d: no growth padding, 128-byte header.
        String scalarHex = "934e554d5059010076007b276465736372273a20273c6634272c2027666f727472616e5f6f726465"
                + "72273a2046616c73652c20277368617065273a2028292c207d202020202020202020202020202020"
                + "20202020202020202020202020202020202020202020202020202020202020202020202020202020"
                + "202020202020200a0000e040";
        assertEquals(scalarHex, HexFormat.of().formatHex(Npy.toBytes(FloatTensor.of(Shape.of(new long[0]), 7f))));
    }

    @Test
    void roundTripsThroughFileCreatingFolders(@TempDir Path dir) {
        float[] values = new float[2 * 3 * 5 * 7];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) Math.sin(i) * 1e3f;
        }
        values[3] = Float.NaN;
        values[4] = Float.NEGATIVE_INFINITY;
        values[5] = -0f;
        FloatTensor t = FloatTensor.of(Shape.of(2, 3, 5, 7), values);
        Path file = dir.resolve("a/b/c.npy");
        Npy.write(t, file);
        assertTrue(Files.isRegularFile(file));
        FloatTensor back = Npy.read(file);
        assertEquals(t, back);
    }

    @Test
    void roundTripsThroughStreamsAndLeavesTheRest() {
        FloatTensor a = FloatTensor.of(Shape.of(3), 1, 2, 3);
        FloatTensor b = FloatTensor.of(Shape.of(1, 1), 9);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Npy.write(a, out);
        Npy.write(b, out);
        InputStream in = new ByteArrayInputStream(out.toByteArray());
        assertEquals(a, Npy.read(in));
        assertEquals(b, Npy.read(in));
    }

    @Test
    void roundTripsEmptyArrays() {
        FloatTensor t = FloatTensor.of(Shape.of(3, 0));
        assertEquals(t, Npy.fromBytes(Npy.toBytes(t)));
    }

    @Test
    void readsVersions2And3() {
        byte[] data = le(4).putFloat(1.5f).array();
        FloatTensor v2 = Npy.fromBytes(npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", data));
        assertArrayEquals(new float[] {1.5f}, v2.toArray());
        // Version 3.0 allows UTF-8 in the header (e.g. field names); a plain header must still work.
        FloatTensor v3 = Npy.fromBytes(npy(3, "{\"shape\": [1], \"descr\": \"<f4\", \"fortran_order\": False}",
                data));
        assertArrayEquals(new float[] {1.5f}, v3.toArray());
    }

    @Test
    void convertsIntegerBoolAndHalfTypes() {
        ByteBuffer i4 = le(8).putInt(-7).putInt(Integer.MAX_VALUE);
        assertArrayEquals(new float[] {-7f, 2147483648f}, read("<i4", "(2,)", i4.array()));
        assertArrayEquals(new float[] {0f, 128f, 255f}, read("|u1", "(3,)", new byte[] {0, (byte) 128, (byte) 255}));
        assertArrayEquals(new float[] {-128f, 127f}, read("|i1", "(2,)", new byte[] {(byte) 0x80, 0x7f}));
        assertArrayEquals(new float[] {1f, 0f}, read("|b1", "(2,)", new byte[] {1, 0}));
        ByteBuffer be = ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) -3).putShort((short) 300);
        assertArrayEquals(new float[] {-3f, 300f}, read(">i2", "(2,)", be.array()));
        ByteBuffer u8 = le(8).putLong(-1L); // 2^64 - 1
        assertArrayEquals(new float[] {18446744073709551615f}, read("<u8", "(1,)", u8.array()));
        ByteBuffer u4 = le(4).putInt(-1); // 2^32 - 1
        assertArrayEquals(new float[] {4294967295f}, read("<u4", "(1,)", u4.array()));
        // From numpy 1.24.2: np.array([1.5, -2, 65504, 6e-8], dtype='<f2') data bytes; 6e-8 is the subnormal 2^-24.
        byte[] half = HexFormat.of().parseHex("003e00c0ff7b0100");
        assertArrayEquals(new float[] {1.5f, -2f, 65504f, 5.9604645e-8f}, read("<f2", "(4,)", half));
    }

    @Test
    void transposesThreeDimensionalFortranData() {
        // Row-major value of (i,j,k) in shape (2,3,4) is 12i+4j+k; Fortran stores it at i + 2j + 6k.
        ByteBuffer b = le(4 * 24);
        float[] col = new float[24];
        for (int i = 0; i < 2; i++) {
            for (int j = 0; j < 3; j++) {
                for (int k = 0; k < 4; k++) {
                    col[i + 2 * j + 6 * k] = 12 * i + 4 * j + k;
                }
            }
        }
        for (float v : col) {
            b.putFloat(v);
        }
        byte[] file = npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }", b.array());
        FloatTensor t = Npy.fromBytes(file);
        assertEquals(Shape.of(2, 3, 4), t.shape());
        for (int i = 0; i < 24; i++) {
            assertEquals(i, t.getFlat(i));
        }
    }

    @Test
    void rejectsBadMagic() {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Npy.fromBytes("PK\u0003\u0004 not numpy".getBytes(StandardCharsets.ISO_8859_1)));
        assertTrue(e.getMessage().contains("not a .npy file"), e.getMessage());
        assertTrue(e.getMessage().contains("504b0304"), e.getMessage());
    }

    @Test
    void rejectsUnsupportedDtypeNamingItAndTheSupported() {
        ModelLoadException e = assertThrows(ModelLoadException.class,
                () -> Npy.fromBytes(npy(1, "{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }",
                        new byte[8])));
        assertTrue(e.getMessage().contains("unsupported dtype '<c8' (complex)"), e.getMessage());
        assertTrue(e.getMessage().contains("float32 ('<f4')"), e.getMessage());
        assertTrue(e.getMessage().contains("uint8 ('|u1')"), e.getMessage());

        ModelLoadException structured = assertThrows(ModelLoadException.class,
                () -> Npy.fromBytes(npy(1, "{'descr': [('x', '<f4'), ('y', '<i4')], 'fortran_order': False, "
                        + "'shape': (1,), }", new byte[8])));
        assertTrue(structured.getMessage().contains("structured"), structured.getMessage());
    }

    @Test
    void rejectsTruncatedData() throws IOException {
        byte[] full = fixtureBytes("f32_2x3.npy");
        byte[] cut = Arrays.copyOf(full, full.length - 3);
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Npy.fromBytes(cut));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertTrue(e.getMessage().contains("needs 24 bytes after the header but only 21 are present"),
                e.getMessage());

        ModelLoadException header = assertThrows(ModelLoadException.class,
                () -> Npy.fromBytes(Arrays.copyOf(full, 40)));
        assertTrue(header.getMessage().contains("truncated"), header.getMessage());
    }

    @Test
    void rejectsMalformedHeaderAndUnknownVersion() {
        ModelLoadException bad = assertThrows(ModelLoadException.class,
                () -> Npy.fromBytes(npy(1, "{'descr': '<f4', 'shape': (1,), }", new byte[4])));
        assertTrue(bad.getMessage().contains("no 'fortran_order' key"), bad.getMessage());
        byte[] v9 = npy(1, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
        v9[6] = 9;
        ModelLoadException version = assertThrows(ModelLoadException.class, () -> Npy.fromBytes(v9));
        assertTrue(version.getMessage().contains("version 9.0"), version.getMessage());
    }

    @Test
    void missingFileNamesThePath(@TempDir Path dir) {
        Path missing = dir.resolve("nope.npy");
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Npy.read(missing));
        assertTrue(e.getMessage().contains(missing.toString()), e.getMessage());
    }

    private static float[] read(String descr, String shape, byte[] data) {
        return Npy.fromBytes(npy(1, "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape + ", }",
                data)).toArray();
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A hand-assembled .npy file: magic, version, little-endian header length, header + newline, data. */
    private static byte[] npy(int major, String header, byte[] data) {
        byte[] h = (header + "\n").getBytes(major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        int lengthBytes = major == 1 ? 2 : 4;
        ByteBuffer b = le(8 + lengthBytes + h.length + data.length);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
        if (major == 1) {
            b.putShort((short) h.length);
        } else {
            b.putInt(h.length);
        }
        return b.put(h).put(data).array();
    }
}
