package dev.gradcam.api.io;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidArgumentException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes what an encoder produces to a file or a stream, with the conventions every writer in this library keeps:
 * missing parent folders are created, a file is written under a temporary name beside it and renamed into place
 * (atomically where the file system can), so that a reader never sees a half-written file and a failed write leaves
 * the previous file, if any, as it was; a stream is flushed but not closed; and a failed write is a
 * {@link GradCamException} naming the format and the file. Stateless and thread-safe.
 */
public final class OutputFiles {

    private OutputFiles() {
    }

    /** Writes one encoded value onto a stream; it need not flush or close it. */
    @FunctionalInterface
    public interface Encoder {
        void encode(OutputStream out) throws IOException;
    }

    /**
     * Writes to {@code path} through a temporary file in the same folder, creating missing parent folders and
     * replacing an existing file only once the new one is complete.
     *
     * @param format what is written, for the error message, e.g. {@code "PNG"}
     * @throws GradCamException naming the format and the absolute path, if the file cannot be written
     */
    public static void write(Path path, String format, Encoder encoder) {
        InvalidArgumentException.requireNonNull(path, "path");
        InvalidArgumentException.requireNonNull(encoder, "encoder");
        Path target = path.toAbsolutePath();
        Path tmp = null;
        try {
            Path parent = target.getParent();
            Files.createDirectories(parent);
            // Not Files.createTempFile: its owner-only permissions would stay on the renamed file.
            tmp = parent.resolve("." + target.getFileName() + "." + Long.toHexString(System.nanoTime()) + ".tmp");
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE))) {
                encoder.encode(out);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new GradCamException("cannot write " + format + " file " + target + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // The write already failed and says so; a leftover hidden temporary file is the lesser harm.
                }
            }
        }
    }

    /**
     * Writes to {@code out} and flushes it; the caller keeps and closes the stream.
     *
     * @param format what is written, for the error message, e.g. {@code "PNG"}
     * @throws GradCamException naming the format, if the stream fails
     */
    public static void write(OutputStream out, String format, Encoder encoder) {
        InvalidArgumentException.requireNonNull(out, "out");
        InvalidArgumentException.requireNonNull(encoder, "encoder");
        try {
            encoder.encode(out);
            out.flush();
        } catch (IOException e) {
            throw new GradCamException("cannot write " + format + " data to stream: " + e, e);
        }
    }
}
