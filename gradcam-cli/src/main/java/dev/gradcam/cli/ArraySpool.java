package dev.gradcam.cli;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.io.OutputFiles;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * One kind of per-image array of a run ({@code raw}, {@code heatmap}, {@code attribution}), kept in a hidden file in
 * the output folder as the images come instead of in memory, so a folder of 100k images runs in flat memory. At the
 * end it becomes one stacked {@code .npy} when every image's array has the same shape, else one {@code .npy} per
 * image. The spool file is deleted by {@link #close()}, whatever happened. Not thread-safe.
 */
final class ArraySpool implements AutoCloseable {

    private static final int CHUNK = 1 << 16;

    private final Path file;
    private final OutputStream out;
    private final List<Shape> shapes = new ArrayList<>();
    private final List<Long> offsets = new ArrayList<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    private long bytes;
    private boolean closed;

    /**
     * @param dir  the output folder
     * @param kind what the arrays are, for the spool's name
     * @throws GradCamException if the spool file cannot be created
     */
    ArraySpool(Path dir, String kind) {
        try {
            this.file = Files.createTempFile(dir, "." + kind + "-", ".spool");
            this.out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.TRUNCATE_EXISTING),
                    CHUNK);
        } catch (IOException e) {
            throw new GradCamException("cannot create a temporary file in " + dir + " for the " + kind
                    + " arrays: " + e.getMessage(), e);
        }
    }

    /** Appends one image's array. */
    void add(FloatTensor array) {
        offsets.add(bytes);
        shapes.add(array.shape());
        try {
            int n = array.size();
            for (int i = 0; i < n; i++) {
                buffer.putFloat(array.getFlat(i));
                if (!buffer.hasRemaining()) {
                    drain();
                }
            }
            drain();
        } catch (IOException e) {
            throw new GradCamException("cannot write the temporary file " + file + ": " + e.getMessage(), e);
        }
        bytes += 4L * array.size();
    }

    private void drain() throws IOException {
        out.write(buffer.array(), 0, buffer.position());
        buffer.clear();
    }

    /** Arrays added so far. */
    int count() {
        return shapes.size();
    }

    /** Whether every array has the same shape (so that they stack). */
    boolean uniform() {
        return shapes.stream().distinct().count() <= 1;
    }

    /** The stacked shape [count, ...]; only when {@link #uniform()} and not empty. */
    Shape stackedShape() {
        return shapes.get(0).prepend(shapes.size());
    }

    /** Writes every array stacked into one {@code .npy} file (atomically). */
    void writeStacked(Path target) {
        flush();
        byte[] header = Npy.header(stackedShape().dims());
        OutputFiles.write(target, ".npy", o -> {
            o.write(header);
            try (InputStream in = Files.newInputStream(file)) {
                in.transferTo(o);
            }
        });
    }

    /** Writes array {@code i} alone as a {@code .npy} file (atomically). */
    void writeOne(int i, Path target) {
        flush();
        Shape shape = shapes.get(i);
        int n = shape.size();
        ByteBuffer data = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = offsets.get(i);
            while (data.hasRemaining()) {
                int read = channel.read(data, position + data.position());
                if (read < 0) {
                    throw new IOException("unexpected end of " + file);
                }
            }
        } catch (IOException e) {
            throw new GradCamException("cannot read the temporary file " + file + ": " + e.getMessage(), e);
        }
        data.flip();
        float[] values = new float[n];
        data.asFloatBuffer().get(values);
        Npy.write(FloatTensor.wrapOwned(shape, values), target);
    }

    private void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new GradCamException("cannot write the temporary file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Deletes the spool file; idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            out.close();
        } catch (IOException ignored) {
            // deleting it is what matters
        }
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a hidden leftover in the output folder is harmless and named .KIND-*.spool
        }
    }
}
