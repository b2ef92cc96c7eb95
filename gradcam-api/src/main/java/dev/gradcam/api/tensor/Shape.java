package dev.gradcam.api.tensor;

import dev.gradcam.api.InvalidArgumentException;
import java.util.Arrays;

/**
 * An immutable tensor shape: a list of dimension sizes, row-major, NCHW by convention for images.
 *
 * <p>A dimension may be {@link #DYNAMIC} (-1) when a shape describes a model value whose size is only known at
 * run time (a batch axis, say); such a shape has no {@link #size()}. Thread-safe.
 */
public final class Shape {

    /** Marks a dimension whose size is known only when the model runs. */
    public static final long DYNAMIC = -1;

    private final long[] dims;

    private Shape(long[] dims) {
        this.dims = dims;
    }

    /**
     * Creates a shape.
     *
     * @throws InvalidArgumentException if a dimension is below -1
     */
    public static Shape of(long... dims) {
        InvalidArgumentException.requireNonNull(dims, "dims");
        long[] copy = dims.clone();
        for (long d : copy) {
            if (d < DYNAMIC) {
                throw new InvalidArgumentException("dimension sizes must be >= 0 or -1 (dynamic), got "
                        + Arrays.toString(dims));
            }
        }
        return new Shape(copy);
    }

    /** Creates a shape from int sizes. */
    public static Shape of(int... dims) {
        InvalidArgumentException.requireNonNull(dims, "dims");
        return of(Arrays.stream(dims).asLongStream().toArray());
    }

    /** Number of dimensions. */
    public int rank() {
        return dims.length;
    }

    /** Size of dimension {@code axis}; a negative axis counts from the end. */
    public long dim(int axis) {
        return dims[normaliseAxis(axis)];
    }

    /** Size of dimension {@code axis} as an int, for known dimensions that fit. */
    public int intDim(int axis) {
        long d = dim(axis);
        if (d < 0 || d > Integer.MAX_VALUE) {
            throw new IllegalStateException("dimension " + axis + " of " + this + " is not a known int size");
        }
        return (int) d;
    }

    /** A copy of the dimension sizes. */
    public long[] dims() {
        return dims.clone();
    }

    /** The dimension sizes as ints (all must be known). */
    public int[] intDims() {
        int[] out = new int[dims.length];
        for (int i = 0; i < dims.length; i++) {
            out[i] = intDim(i);
        }
        return out;
    }

    /** True if every dimension is known. */
    public boolean isStatic() {
        for (long d : dims) {
            if (d == DYNAMIC) {
                return false;
            }
        }
        return true;
    }

    /**
     * Number of elements.
     *
     * @throws IllegalStateException if a dimension is dynamic or the count exceeds {@code Integer.MAX_VALUE}
     */
    public int size() {
        long n = 1;
        for (long d : dims) {
            if (d == DYNAMIC) {
                throw new IllegalStateException("shape " + this + " has dynamic dimensions and no size");
            }
            n = Math.multiplyExact(n, d);
        }
        if (n > Integer.MAX_VALUE) {
            throw new IllegalStateException("shape " + this + " has more than 2^31-1 elements");
        }
        return (int) n;
    }

    /** Row-major strides in elements. */
    public int[] strides() {
        int[] strides = new int[dims.length];
        int s = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            strides[i] = s;
            s = Math.multiplyExact(s, (int) dims[i]);
        }
        return strides;
    }

    /** The shape without its first {@code count} dimensions. */
    public Shape dropFirst(int count) {
        return new Shape(Arrays.copyOfRange(dims, count, dims.length));
    }

    /** The same shape with dimension {@code axis} replaced. */
    public Shape withDim(int axis, long size) {
        long[] copy = dims.clone();
        copy[normaliseAxis(axis)] = size;
        return of(copy);
    }

    /** A shape with {@code first} prepended. */
    public Shape prepend(long first) {
        long[] copy = new long[dims.length + 1];
        copy[0] = first;
        System.arraycopy(dims, 0, copy, 1, dims.length);
        return of(copy);
    }

    /**
     * True if {@code concrete} could be a value of this (possibly dynamic) shape: same rank and equal known sizes.
     */
    public boolean accepts(Shape concrete) {
        InvalidArgumentException.requireNonNull(concrete, "concrete");
        if (concrete.rank() != rank()) {
            return false;
        }
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] != DYNAMIC && concrete.dims[i] != DYNAMIC && dims[i] != concrete.dims[i]) {
                return false;
            }
        }
        return true;
    }

    private int normaliseAxis(int axis) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length) {
            throw new IndexOutOfBoundsException("axis " + axis + " out of range for rank " + dims.length);
        }
        return a;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape other && Arrays.equals(dims, other.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** Like {@code [2, 3, 224, 224]}, with {@code ?} for dynamic dimensions. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < dims.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(dims[i] == DYNAMIC ? "?" : Long.toString(dims[i]));
        }
        return sb.append(']').toString();
    }
}
