package dev.gradcam.api.io;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Reads and writes NumPy {@code .npy} files as {@link FloatTensor}s.
 *
 * <p>Reading accepts format versions 1.0, 2.0 and 3.0; element types float16/32/64, signed and unsigned integers
 * of 1 to 8 bytes and bool, all converted to float (float64 and large integers are rounded to the nearest float);
 * little or big endian; C or Fortran order (Fortran data is transposed, so the tensor is always row-major); any
 * rank, 0-d scalars included (shape {@code []}). Structured, complex, string and object arrays are refused.
 *
 * <p>Writing produces exactly what {@code numpy.save} (NumPy 1.23 and later) writes for a little-endian float32
 * C-order array: format 1.0 (2.0 only for headers over 64 KiB), the same header text and padding, data aligned to
 * 64 bytes.
 *
 * <p>Errors: a malformed or truncated file, or an unsupported type, is a {@link ModelLoadException} naming the
 * source; a failed write is a {@link GradCamException}. Streams passed in are neither buffered twice nor closed.
 * Stateless and thread-safe.
 */
public final class Npy {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final int ALIGN = 64;
    private static final int CHUNK_ELEMENTS = 16 * 1024;

    private Npy() {
    }

    /**
     * Reads a {@code .npy} file.
     *
     * @throws ModelLoadException if the file is missing, unreadable, malformed, truncated or of an unsupported type
     */
    public static FloatTensor read(Path path) {
        InvalidArgumentException.requireNonNull(path, "path");
        try (InputStream in = new BufferedInputStream(Files.newInputStream(path))) {
            return read(in, path.toString());
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("no such .npy file: " + path.toAbsolutePath());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read .npy file " + path + ": " + e, e);
        }
    }

    /**
     * Reads one array from a stream, leaving the stream just after the array's data (not closed).
     *
     * @throws ModelLoadException if the stream fails or holds a malformed, truncated or unsupported array
     */
    public static FloatTensor read(InputStream in) {
        InvalidArgumentException.requireNonNull(in, "in");
        try {
            return read(in, "<stream>");
        } catch (IOException e) {
            throw new ModelLoadException("cannot read .npy data from stream: " + e, e);
        }
    }

    /**
     * Reads an array from the bytes of a {@code .npy} file.
     *
     * @throws ModelLoadException if the bytes are malformed, truncated or of an unsupported type
     */
    public static FloatTensor fromBytes(byte[] bytes) {
        InvalidArgumentException.requireNonNull(bytes, "bytes");
        try {
            return read(new ByteArrayInputStream(bytes), "<bytes>");
        } catch (IOException e) {
            throw new AssertionError("in-memory stream failed", e);
        }
    }

    /**
     * Writes a tensor as a little-endian float32 C-order {@code .npy} file, creating parent folders.
     *
     * @throws GradCamException if the file cannot be written
     */
    public static void write(FloatTensor tensor, Path path) {
        InvalidArgumentException.requireNonNull(tensor, "tensor");
        OutputFiles.write(path, ".npy", out -> writeTo(tensor, out));
    }

    /**
     * Writes a tensor as a little-endian float32 C-order {@code .npy} array to a stream (flushed, not closed).
     *
     * @throws GradCamException if the stream fails
     */
    public static void write(FloatTensor tensor, OutputStream out) {
        InvalidArgumentException.requireNonNull(tensor, "tensor");
        OutputFiles.write(out, ".npy", o -> writeTo(tensor, o));
    }

    /** The bytes of a little-endian float32 C-order {@code .npy} file holding the tensor. */
    public static byte[] toBytes(FloatTensor tensor) {
        InvalidArgumentException.requireNonNull(tensor, "tensor");
        ByteArrayOutputStream out = new ByteArrayOutputStream(128 + 4 * tensor.size());
        try {
            writeTo(tensor, out);
        } catch (IOException e) {
            throw new AssertionError("in-memory stream failed", e);
        }
        return out.toByteArray();
    }

    /**
     * The header (magic, version, length, dictionary, padding, newline) numpy.save writes for a float32 C-order array
     * of this shape: followed by the array's little-endian float32 data, it makes the {@code .npy} file, so arrays
     * too large to hold in memory can be written as their parts arrive.
     */
    public static byte[] header(long[] shape) {
        InvalidArgumentException.requireNonNull(shape, "shape");
        byte[] dict = NpyHeader.formatFloat32(shape).getBytes(StandardCharsets.ISO_8859_1);
        int hlen = dict.length + 1; // the final newline
        int prefix = MAGIC.length + 2 + 2;
        boolean v2 = false;
        int pad = ALIGN - (prefix + hlen) % ALIGN;
        if (hlen + pad > 0xFFFF) {
            v2 = true;
            prefix = MAGIC.length + 2 + 4;
            pad = ALIGN - (prefix + hlen) % ALIGN;
        }
        // numpy pads with ALIGN spaces rather than none when already aligned; keep that.
        ByteBuffer b = ByteBuffer.allocate(prefix + hlen + pad).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) (v2 ? 2 : 1)).put((byte) 0);
        if (v2) {
            b.putInt(hlen + pad);
        } else {
            b.putShort((short) (hlen + pad));
        }
        b.put(dict);
        for (int i = 0; i < pad; i++) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    private static void writeTo(FloatTensor tensor, OutputStream out) throws IOException {
        out.write(header(tensor.shape().dims()));
        ByteBuffer buf = ByteBuffer.allocate(4 * Math.min(CHUNK_ELEMENTS, Math.max(1, tensor.size())))
                .order(ByteOrder.LITTLE_ENDIAN);
        int n = tensor.size();
        for (int i = 0; i < n; i++) {
            buf.putFloat(tensor.getFlat(i));
            if (!buf.hasRemaining()) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        }
        out.write(buf.array(), 0, buf.position());
    }

    private static FloatTensor read(InputStream in, String source) throws IOException {
        byte[] magic = in.readNBytes(MAGIC.length);
        if (!Arrays.equals(magic, MAGIC)) {
            throw new ModelLoadException("not a .npy file: " + source + " does not start with the magic bytes"
                    + " \\x93NUMPY (found " + hex(magic) + ")");
        }
        byte[] version = in.readNBytes(2);
        if (version.length < 2) {
            throw truncated(source, "the format version");
        }
        int major = version[0] & 0xFF;
        int minor = version[1] & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new ModelLoadException("unsupported .npy format version " + major + "." + minor + " in " + source
                    + "; supported: 1.0, 2.0, 3.0");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        byte[] lenRaw = in.readNBytes(lengthBytes);
        if (lenRaw.length < lengthBytes) {
            throw truncated(source, "the header length");
        }
        ByteBuffer lenBuf = ByteBuffer.wrap(lenRaw).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = major == 1 ? lenBuf.getShort() & 0xFFFF : lenBuf.getInt() & 0xFFFF_FFFFL;
        if (headerLength > 64L * 1024 * 1024) {
            throw new ModelLoadException("implausible .npy header length " + headerLength + " bytes in " + source);
        }
        byte[] headerBytes = in.readNBytes((int) headerLength);
        if (headerBytes.length < headerLength) {
            throw truncated(source, "the header (" + headerLength + " bytes announced, " + headerBytes.length
                    + " present)");
        }
        String headerText = new String(headerBytes,
                major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
        NpyHeader header = NpyHeader.parse(headerText, source);

        String descr = describeType(header.descr(), source);
        ByteOrder order = NpyDtype.byteOrder(descr.charAt(0));
        NpyDtype dtype = null;
        if (order != null && descr.length() >= 3) {
            try {
                dtype = NpyDtype.of(descr.charAt(1), Integer.parseInt(descr.substring(2)));
            } catch (NumberFormatException e) {
                dtype = null;
            }
        }
        if (dtype == null) {
            throw unsupported(descr, source);
        }

        long[] dims = header.shape();
        Shape shape;
        int count;
        try {
            shape = Shape.of(dims);
            count = shape.size();
        } catch (IllegalStateException | ArithmeticException e) {
            throw new ModelLoadException("array in " + source + " has shape " + Arrays.toString(dims)
                    + ", more than 2^31-1 elements; a FloatTensor cannot hold it");
        }
        float[] data = readData(in, dtype, order, count, source, shape, descr);
        if (header.fortranOrder() && shape.rank() > 1) {
            data = fortranToRowMajor(data, shape.intDims());
        }
        return FloatTensor.wrapOwned(shape, data);
    }

    private static String describeType(Object descr, String source) {
        if (descr instanceof String s) {
            return s;
        }
        throw new ModelLoadException("unsupported dtype in " + source + ": structured (record) type " + descr
                + "; supported: " + NpyDtype.supportedList());
    }

    private static ModelLoadException unsupported(String descr, String source) {
        String what = descr.length() >= 2
                ? NpyDtype.describeUnsupported(descr.charAt(NpyDtype.byteOrder(descr.charAt(0)) != null ? 1 : 0),
                descr.length() > 2 ? descr.substring(2) : "?")
                : "unknown";
        return new ModelLoadException("unsupported dtype '" + descr + "' (" + what + ") in " + source
                + "; supported: " + NpyDtype.supportedList());
    }

    private static float[] readData(InputStream in, NpyDtype dtype, ByteOrder order, int count, String source,
                                    Shape shape, String descr) throws IOException {
        float[] out = new float[count];
        int item = dtype.itemSize();
        byte[] chunk = new byte[item * Math.min(CHUNK_ELEMENTS, Math.max(1, count))];
        int done = 0;
        while (done < count) {
            int want = Math.min(count - done, chunk.length / item);
            int got = in.readNBytes(chunk, 0, want * item);
            if (got < want * item) {
                long expected = (long) count * item;
                long present = (long) done * item + got;
                throw new ModelLoadException("truncated .npy data in " + source + ": shape " + shape + " of '"
                        + descr + "' needs " + expected + " bytes after the header but only " + present
                        + " are present");
            }
            ByteBuffer b = ByteBuffer.wrap(chunk, 0, got).order(order);
            for (int i = 0; i < want; i++) {
                out[done + i] = dtype.read(b);
            }
            done += want;
        }
        return out;
    }

    /** Reorders column-major data of the given shape into row-major order. */
    static float[] fortranToRowMajor(float[] columnMajor, int[] dims) {
        int n = columnMajor.length;
        float[] out = new float[n];
        if (n == 0) {
            return out;
        }
        int rank = dims.length;
        int[] rowStrides = new int[rank];
        int s = 1;
        for (int i = rank - 1; i >= 0; i--) {
            rowStrides[i] = s;
            s *= dims[i];
        }
        int[] index = new int[rank];
        int pos = 0;
        for (int j = 0; j < n; j++) {
            out[pos] = columnMajor[j];
            // Advance the column-major index: the first axis varies fastest.
            for (int a = 0; a < rank; a++) {
                index[a]++;
                pos += rowStrides[a];
                if (index[a] < dims[a]) {
                    break;
                }
                pos -= index[a] * rowStrides[a];
                index[a] = 0;
            }
        }
        return out;
    }

    private static ModelLoadException truncated(String source, String what) {
        return new ModelLoadException("truncated .npy file " + source + ": it ends inside " + what);
    }

    private static String hex(byte[] bytes) {
        if (bytes.length == 0) {
            return "no bytes: the input is empty";
        }
        StringBuilder sb = new StringBuilder();
        for (byte b : bytes) {
            sb.append(String.format("%02x", b & 0xFF));
        }
        return sb.toString();
    }
}
