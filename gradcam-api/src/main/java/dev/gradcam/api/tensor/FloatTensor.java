package dev.gradcam.api.tensor;

import dev.gradcam.api.InvalidArgumentException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable dense float tensor in row-major order (NCHW by convention for image batches).
 *
 * <p>Data is copied in by {@link #of} and copied out by {@link #toArray()}; {@link #buffer()} gives a read-only view
 * without copying, and {@link #slice(int)} / {@link #reshape(Shape)} are views sharing storage. Because no view can
 * write, sharing is safe. Thread-safe.
 */
public final class FloatTensor {

    private final Shape shape;
    private final float[] data;
    private final int offset;
    private final int size;

    private FloatTensor(Shape shape, float[] data, int offset) {
        this.shape = shape;
        this.data = data;
        this.offset = offset;
        this.size = shape.size();
    }

    /**
     * A tensor holding a copy of {@code data}.
     *
     * @throws InvalidArgumentException if the shape is dynamic or its size differs from the data length
     */
    public static FloatTensor of(Shape shape, float... data) {
        InvalidArgumentException.requireNonNull(shape, "shape");
        InvalidArgumentException.requireNonNull(data, "data");
        InvalidArgumentException.requireNonNull(shape, "shape");
        InvalidArgumentException.requireNonNull(data, "data");
        checkLength(shape, data.length);
        return new FloatTensor(shape, data.clone(), 0);
    }

    /**
     * A tensor that takes ownership of {@code data} without copying: the caller must never write to the array
     * again. For backends and pipeline code that just produced the array; everyone else uses {@link #of}.
     */
    public static FloatTensor wrapOwned(Shape shape, float[] data) {
        InvalidArgumentException.requireNonNull(shape, "shape");
        InvalidArgumentException.requireNonNull(data, "data");
        checkLength(shape, data.length);
        return new FloatTensor(shape, data, 0);
    }

    /** A tensor of zeros. */
    public static FloatTensor zeros(Shape shape) {
        return new FloatTensor(requireStatic(shape), new float[shape.size()], 0);
    }

    /** A tensor filled with {@code value}. */
    public static FloatTensor full(Shape shape, float value) {
        float[] d = new float[requireStatic(shape).size()];
        Arrays.fill(d, value);
        return new FloatTensor(shape, d, 0);
    }

    /** A tensor holding a copy of the readable elements of {@code buffer} (from its position). */
    public static FloatTensor of(Shape shape, FloatBuffer buffer) {
        InvalidArgumentException.requireNonNull(shape, "shape");
        FloatBuffer dup = InvalidArgumentException.requireNonNull(buffer, "buffer").duplicate();
        float[] d = new float[dup.remaining()];
        dup.get(d);
        checkLength(shape, d.length);
        return new FloatTensor(shape, d, 0);
    }

    /**
     * Stacks equally shaped tensors along a new first axis: k tensors of shape S give one of shape [k, S...].
     *
     * @throws InvalidArgumentException if the list is empty or shapes differ
     */
    public static FloatTensor stack(java.util.List<FloatTensor> parts) {
        InvalidArgumentException.requireNonNull(parts, "parts");
        if (parts.isEmpty()) {
            throw new InvalidArgumentException("cannot stack an empty list of tensors");
        }
        Shape s = parts.get(0).shape();
        int n = s.size();
        float[] out = new float[Math.multiplyExact(n, parts.size())];
        for (int i = 0; i < parts.size(); i++) {
            FloatTensor p = parts.get(i);
            if (!p.shape().equals(s)) {
                throw new InvalidArgumentException("cannot stack shapes " + s + " and " + p.shape() + " (part " + i + ")");
            }
            System.arraycopy(p.data, p.offset, out, i * n, n);
        }
        return new FloatTensor(s.prepend(parts.size()), out, 0);
    }

    /**
     * Concatenates tensors along the first axis: shapes [a, S...] and [b, S...] give [a+b, S...].
     *
     * @throws InvalidArgumentException if the list is empty or trailing shapes differ
     */
    public static FloatTensor concat(java.util.List<FloatTensor> parts) {
        InvalidArgumentException.requireNonNull(parts, "parts");
        if (parts.isEmpty()) {
            throw new InvalidArgumentException("cannot concatenate an empty list of tensors");
        }
        Shape tail = parts.get(0).shape().dropFirst(1);
        long total = 0;
        for (FloatTensor p : parts) {
            if (!p.shape().dropFirst(1).equals(tail)) {
                throw new InvalidArgumentException("cannot concatenate shapes " + parts.get(0).shape() + " and " + p.shape());
            }
            total += p.shape().dim(0);
        }
        Shape out = tail.prepend(total);
        float[] d = new float[out.size()];
        int pos = 0;
        for (FloatTensor p : parts) {
            System.arraycopy(p.data, p.offset, d, pos, p.size);
            pos += p.size;
        }
        return new FloatTensor(out, d, 0);
    }

    private static Shape requireStatic(Shape shape) {
        InvalidArgumentException.requireNonNull(shape, "shape");
        if (!shape.isStatic()) {
            throw new InvalidArgumentException("a tensor needs a static shape, got " + shape);
        }
        return shape;
    }

    private static void checkLength(Shape shape, int length) {
        requireStatic(shape);
        if (shape.size() != length) {
            throw new InvalidArgumentException("shape " + shape + " holds " + shape.size()
                    + " elements but the data has " + length);
        }
    }

    /** The shape. */
    public Shape shape() {
        return shape;
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** Element at a flat row-major index. */
    public float getFlat(int index) {
        Objects.checkIndex(index, size);
        return data[offset + index];
    }

    /** Element at a multi-dimensional index. */
    public float get(int... index) {
        InvalidArgumentException.requireNonNull(index, "index");
        if (index.length != shape.rank()) {
            throw new InvalidArgumentException("index of rank " + index.length + " for tensor of shape " + shape);
        }
        int flat = 0;
        for (int i = 0; i < index.length; i++) {
            int d = shape.intDim(i);
            Objects.checkIndex(index[i], d);
            flat = flat * d + index[i];
        }
        return data[offset + flat];
    }

    /**
     * The sub-tensor at index {@code i} of the first axis (image {@code i} of a batch), as a view sharing storage.
     */
    public FloatTensor slice(int i) {
        if (shape.rank() == 0) {
            throw new InvalidArgumentException("cannot slice a scalar");
        }
        Objects.checkIndex(i, shape.intDim(0));
        Shape sub = shape.dropFirst(1);
        return new FloatTensor(sub, data, offset + i * sub.size());
    }

    /**
     * The element-wise sum with a tensor of the same shape, as a new tensor.
     *
     * @throws InvalidArgumentException if the shapes differ
     */
    public FloatTensor plus(FloatTensor other) {
        InvalidArgumentException.requireNonNull(other, "other");
        if (!other.shape.equals(shape)) {
            throw new InvalidArgumentException("cannot add a tensor of shape " + other.shape + " to one of shape "
                    + shape);
        }
        float[] sum = toArray();
        for (int i = 0; i < sum.length; i++) {
            sum[i] += other.data[other.offset + i];
        }
        return new FloatTensor(shape, sum, 0);
    }

    /** A view with another shape of the same size. */
    public FloatTensor reshape(Shape newShape) {
        checkLength(newShape, size);
        return new FloatTensor(newShape, data, offset);
    }

    /** A copy of the elements in row-major order. */
    public float[] toArray() {
        return Arrays.copyOfRange(data, offset, offset + size);
    }

    /** Copies the elements into {@code dst} at {@code dstOffset}. */
    public void copyTo(float[] dst, int dstOffset) {
        InvalidArgumentException.requireNonNull(dst, "dst");
        System.arraycopy(data, offset, dst, dstOffset, size);
    }

    /** A read-only view of the elements (no copy). */
    public FloatBuffer buffer() {
        return FloatBuffer.wrap(data, offset, size).slice().asReadOnlyBuffer();
    }

    /** Largest element; NaN if any element is NaN. */
    public float max() {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            float v = data[offset + i];
            if (Float.isNaN(v)) {
                return Float.NaN;
            }
            m = Math.max(m, v);
        }
        return m;
    }

    /** Smallest element; NaN if any element is NaN. */
    public float min() {
        float m = Float.POSITIVE_INFINITY;
        for (int i = 0; i < size; i++) {
            float v = data[offset + i];
            if (Float.isNaN(v)) {
                return Float.NaN;
            }
            m = Math.min(m, v);
        }
        return m;
    }

    /** Sum of elements, accumulated in double. */
    public double sum() {
        double s = 0;
        for (int i = 0; i < size; i++) {
            s += data[offset + i];
        }
        return s;
    }

    /** Index of the largest element (first on ties). */
    public int argMax() {
        int best = 0;
        for (int i = 1; i < size; i++) {
            if (data[offset + i] > data[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    /** True if every element is finite. */
    public boolean allFinite() {
        for (int i = 0; i < size; i++) {
            if (!Float.isFinite(data[offset + i])) {
                return false;
            }
        }
        return true;
    }

    /** Euclidean norm, in double. */
    public double norm() {
        double s = 0;
        for (int i = 0; i < size; i++) {
            double v = data[offset + i];
            s += v * v;
        }
        return Math.sqrt(s);
    }

    /**
     * Relative L2 error {@code ||this - reference|| / ||reference||} (the absolute norm of the difference when the
     * reference is zero).
     */
    public double relativeError(FloatTensor reference) {
        InvalidArgumentException.requireNonNull(reference, "reference");
        if (!shape.equals(reference.shape)) {
            throw new InvalidArgumentException("shapes differ: " + shape + " vs " + reference.shape);
        }
        double diff = 0;
        for (int i = 0; i < size; i++) {
            double d = (double) data[offset + i] - reference.data[reference.offset + i];
            diff += d * d;
        }
        double ref = reference.norm();
        return ref == 0 ? Math.sqrt(diff) : Math.sqrt(diff) / ref;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof FloatTensor other) || !shape.equals(other.shape)) {
            return false;
        }
        return Arrays.equals(data, offset, offset + size, other.data, other.offset, other.offset + size);
    }

    @Override
    public int hashCode() {
        int h = shape.hashCode();
        for (int i = 0; i < size; i++) {
            h = 31 * h + Float.floatToIntBits(data[offset + i]);
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("FloatTensor").append(shape).append(" [");
        int shown = Math.min(size, 8);
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(data[offset + i]);
        }
        return sb.append(size > shown ? ", ...]" : "]").toString();
    }
}
