package dev.gradcam.onnx.graph;

import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.model.ElementType;
import java.util.Arrays;

/**
 * What is known about a value: its element type and its dimensions, with -1 for a size known only at run time and
 * null dimensions when even the rank is unknown. Immutable.
 */
public final class ValueType {

    private final int elemType;
    private final long[] dims;

    private ValueType(int elemType, long[] dims) {
        this.elemType = elemType;
        this.dims = dims;
    }

    /** A type with known rank; dims are copied, -1 marks unknown sizes. */
    public static ValueType of(int elemType, long... dims) {
        return new ValueType(elemType, dims == null ? null : dims.clone());
    }

    /** A type of unknown rank. */
    public static ValueType unknownShape(int elemType) {
        return new ValueType(elemType, null);
    }

    /** The ONNX element type code ({@link ElementType}). */
    public int elemType() {
        return elemType;
    }

    public boolean isFloating() {
        return ElementType.isFloating(elemType);
    }

    public boolean hasRank() {
        return dims != null;
    }

    /** The rank; -1 if unknown. */
    public int rank() {
        return dims == null ? -1 : dims.length;
    }

    /** A copy of the dims; null when the rank is unknown. */
    public long[] dims() {
        return dims == null ? null : dims.clone();
    }

    /** Size of one dimension (negative axes count from the end); -1 if unknown. */
    public long dim(int axis) {
        if (dims == null) {
            return -1;
        }
        return dims[axis < 0 ? axis + dims.length : axis];
    }

    /** True if the rank and every size are known. */
    public boolean isStatic() {
        if (dims == null) {
            return false;
        }
        for (long d : dims) {
            if (d < 0) {
                return false;
            }
        }
        return true;
    }

    /** The same type with other dims. */
    public ValueType withDims(long... newDims) {
        return of(elemType, newDims);
    }

    /** As an API shape ({@link Shape#DYNAMIC} for unknown sizes); an empty shape when the rank is unknown. */
    public Shape toShape() {
        return dims == null ? Shape.of(new long[0]) : Shape.of(dims);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueType v && v.elemType == elemType && Arrays.equals(v.dims, dims);
    }

    @Override
    public int hashCode() {
        return 31 * elemType + Arrays.hashCode(dims);
    }

    /** Like {@code float32[1, 64, 56, 56]}. */
    @Override
    public String toString() {
        if (dims == null) {
            return ElementType.name(elemType) + "[?...]";
        }
        StringBuilder sb = new StringBuilder(ElementType.name(elemType)).append('[');
        for (int i = 0; i < dims.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(dims[i] < 0 ? "?" : Long.toString(dims[i]));
        }
        return sb.append(']').toString();
    }
}
