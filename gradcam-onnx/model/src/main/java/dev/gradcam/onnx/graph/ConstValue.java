package dev.gradcam.onnx.graph;

import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.util.Arrays;

/**
 * A value known before the model runs: an initializer, a Constant node's tensor, or a folded shape computation.
 * Integer and boolean values are held as longs (exact for int64), floating values as doubles. Immutable.
 */
public final class ConstValue {

    private final int elemType;
    private final long[] dims;
    private final long[] ints;
    private final double[] reals;

    private ConstValue(int elemType, long[] dims, long[] ints, double[] reals) {
        this.elemType = elemType;
        this.dims = dims;
        this.ints = ints;
        this.reals = reals;
    }

    /** An integer constant (int64 unless another integer type is given). */
    public static ConstValue ofLongs(int elemType, long[] dims, long[] values) {
        check(dims, values.length);
        return new ConstValue(elemType, dims.clone(), values.clone(), null);
    }

    /** A 1-D int64 constant. */
    public static ConstValue ofLongs(long... values) {
        return ofLongs(ElementType.INT64, new long[] {values.length}, values);
    }

    /** A floating constant. */
    public static ConstValue ofReals(int elemType, long[] dims, double[] values) {
        check(dims, values.length);
        return new ConstValue(elemType, dims.clone(), null, values.clone());
    }

    /** Decodes a tensor. */
    public static ConstValue of(TensorProto t) {
        long[] d = Tensors.dims(t);
        if (ElementType.isInteger(t.getDataType())) {
            return new ConstValue(t.getDataType(), d, Tensors.toLongs(t), null);
        }
        return new ConstValue(t.getDataType(), d, null, Tensors.toDoubles(t));
    }

    private static void check(long[] dims, int n) {
        if (Tensors.count(dims) != n) {
            throw new IllegalArgumentException("dims " + Arrays.toString(dims) + " do not hold " + n + " values");
        }
    }

    public int elemType() {
        return elemType;
    }

    public long[] dims() {
        return dims.clone();
    }

    public int rank() {
        return dims.length;
    }

    public int size() {
        return ints != null ? ints.length : reals.length;
    }

    public boolean isInteger() {
        return ints != null;
    }

    /** The values as longs (floating values truncated). */
    public long[] longs() {
        if (ints != null) {
            return ints.clone();
        }
        long[] out = new long[reals.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (long) reals[i];
        }
        return out;
    }

    /** The values as doubles. */
    public double[] doubles() {
        if (reals != null) {
            return reals.clone();
        }
        double[] out = new double[ints.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = ints[i];
        }
        return out;
    }

    /** Element {@code i} as a double. */
    public double doubleAt(int i) {
        return ints != null ? ints[i] : reals[i];
    }

    /** Element {@code i} as a long. */
    public long longAt(int i) {
        return ints != null ? ints[i] : (long) reals[i];
    }

    /** The type this constant has as a value. */
    public ValueType type() {
        return ValueType.of(elemType, dims);
    }

    @Override
    public String toString() {
        return type() + (ints != null ? Arrays.toString(ints.length > 8 ? Arrays.copyOf(ints, 8) : ints)
                : Arrays.toString(reals.length > 8 ? Arrays.copyOf(reals, 8) : reals));
    }
}
