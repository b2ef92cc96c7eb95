package dev.gradcam.onnx.model;

import com.google.protobuf.ByteString;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Converts between {@link TensorProto} and Java arrays. Reads every numeric storage ONNX allows ({@code raw_data}
 * little-endian or the typed repeated fields); writes {@code raw_data}. Stateless and thread-safe.
 */
public final class Tensors {

    private Tensors() {
    }

    /** The tensor's dimensions. */
    public static long[] dims(TensorProto t) {
        long[] d = new long[t.getDimsCount()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getDims(i);
        }
        return d;
    }

    /** Number of elements of a shape (1 for a scalar). */
    public static long count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * The values of a numeric tensor as doubles.
     *
     * @throws ModelLoadException if the element type is not numeric or the data is external or inconsistent
     */
    public static double[] toDoubles(TensorProto t) {
        int n = checkedCount(t);
        int type = t.getDataType();
        double[] out = new double[n];
        if (ElementType.isInteger(type)) {
            long[] l = toLongs(t);
            for (int i = 0; i < n; i++) {
                out[i] = l[i];
            }
            return out;
        }
        if (t.hasRawData()) {
            ByteBuffer b = raw(t);
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case ElementType.FLOAT -> b.getFloat();
                    case ElementType.DOUBLE -> b.getDouble();
                    case ElementType.FLOAT16 -> ElementType.halfToFloat(b.getShort());
                    case ElementType.BFLOAT16 -> Float.intBitsToFloat((b.getShort() & 0xffff) << 16);
                    default -> throw notNumeric(t);
                };
            }
            return out;
        }
        switch (type) {
            case ElementType.FLOAT -> {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getFloatData(i);
                }
            }
            case ElementType.DOUBLE -> {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getDoubleData(i);
                }
            }
            case ElementType.FLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = ElementType.halfToFloat((short) t.getInt32Data(i));
                }
            }
            case ElementType.BFLOAT16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = Float.intBitsToFloat((t.getInt32Data(i) & 0xffff) << 16);
                }
            }
            default -> throw notNumeric(t);
        }
        return out;
    }

    /** The values of a numeric tensor as floats. */
    public static float[] toFloats(TensorProto t) {
        double[] d = toDoubles(t);
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    /**
     * The values of an integer or boolean tensor as longs.
     *
     * @throws ModelLoadException if the element type is not an integer type
     */
    public static long[] toLongs(TensorProto t) {
        int n = checkedCount(t);
        int type = t.getDataType();
        long[] out = new long[n];
        if (t.hasRawData()) {
            ByteBuffer b = raw(t);
            for (int i = 0; i < n; i++) {
                out[i] = switch (type) {
                    case ElementType.INT64, ElementType.UINT64 -> b.getLong();
                    case ElementType.INT32 -> b.getInt();
                    case ElementType.UINT32 -> b.getInt() & 0xffffffffL;
                    case ElementType.INT16 -> b.getShort();
                    case ElementType.UINT16 -> b.getShort() & 0xffff;
                    case ElementType.INT8 -> b.get();
                    case ElementType.UINT8, ElementType.BOOL -> b.get() & 0xff;
                    default -> throw notInteger(t);
                };
            }
            return out;
        }
        switch (type) {
            case ElementType.INT64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt64Data(i);
                }
            }
            case ElementType.UINT64, ElementType.UINT32 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getUint64Data(i);
                }
            }
            case ElementType.INT32, ElementType.INT16, ElementType.INT8, ElementType.UINT16, ElementType.UINT8,
                    ElementType.BOOL -> {
                for (int i = 0; i < n; i++) {
                    out[i] = t.getInt32Data(i);
                }
            }
            default -> throw notInteger(t);
        }
        return out;
    }

    /** A float32 tensor in {@code raw_data}. */
    public static TensorProto ofFloats(String name, long[] dims, float[] values) {
        checkLength(dims, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(values);
        return base(name, dims, ElementType.FLOAT).setRawData(ByteString.copyFrom(b.array())).build();
    }

    /** A float64 tensor in {@code raw_data}. */
    public static TensorProto ofDoubles(String name, long[] dims, double[] values) {
        checkLength(dims, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asDoubleBuffer().put(values);
        return base(name, dims, ElementType.DOUBLE).setRawData(ByteString.copyFrom(b.array())).build();
    }

    /** A tensor of any floating type ({@link ElementType#FLOAT}, {@link ElementType#DOUBLE}) from doubles. */
    public static TensorProto ofReal(String name, int elemType, long[] dims, double[] values) {
        if (elemType == ElementType.DOUBLE) {
            return ofDoubles(name, dims, values);
        }
        if (elemType != ElementType.FLOAT) {
            throw new IllegalArgumentException("ofReal supports float32 and float64, got "
                    + ElementType.name(elemType));
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return ofFloats(name, dims, f);
    }

    /** An int64 tensor in {@code raw_data}. */
    public static TensorProto ofLongs(String name, long[] dims, long[] values) {
        checkLength(dims, values.length);
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        b.asLongBuffer().put(values);
        return base(name, dims, ElementType.INT64).setRawData(ByteString.copyFrom(b.array())).build();
    }

    /** A 1-D int64 tensor. */
    public static TensorProto ofLongs(String name, long... values) {
        return ofLongs(name, new long[] {values.length}, values);
    }

    private static TensorProto.Builder base(String name, long[] dims, int type) {
        TensorProto.Builder b = TensorProto.newBuilder().setName(name).setDataType(type);
        for (long d : dims) {
            b.addDims(d);
        }
        return b;
    }

    private static void checkLength(long[] dims, int length) {
        if (count(dims) != length) {
            throw new IllegalArgumentException("dims " + java.util.Arrays.toString(dims) + " need " + count(dims)
                    + " values, got " + length);
        }
    }

    private static int checkedCount(TensorProto t) {
        if (ExternalData.isExternal(t)) {
            throw new ModelLoadException("tensor '" + t.getName() + "' has external data that was not loaded; read "
                    + "the model with OnnxModelReader.readResolved");
        }
        // The model validator checks every stored tensor; this guards tensors built later (compiled graphs, tests).
        TensorCheck.check(t, "tensor '" + t.getName() + "'");
        return (int) TensorCheck.count(t, "tensor '" + t.getName() + "'");
    }

    private static ByteBuffer raw(TensorProto t) {
        return t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ModelLoadException notNumeric(TensorProto t) {
        return new ModelLoadException("tensor '" + t.getName() + "' of type " + ElementType.name(t.getDataType())
                + " is not numeric");
    }

    private static ModelLoadException notInteger(TensorProto t) {
        return new ModelLoadException("tensor '" + t.getName() + "' of type " + ElementType.name(t.getDataType())
                + " is not an integer tensor");
    }
}
