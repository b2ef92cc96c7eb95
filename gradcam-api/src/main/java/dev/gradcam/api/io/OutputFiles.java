package dev.gradcam.api.io;

import dev.gradcam.api.GradCamException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes what an encoder produces to a file or a stream, with the conventions every writer in this library keeps:
 * missing parent folders are created, an existing file is replaced, a stream is flushed but not closed, and a failed
 * write is a {@link GradCamException} naming the format and the file. Stateless and thread-safe.
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
     * Writes to {@code path}, creating missing parent folders and replacing an existing file.
     *
     * @param format what is written, for the error message, e.g. {@code "PNG"}
     * @throws GradCamException naming the format and the absolute path, if the file cannot be written
     */
    public static void write(Path path, String format, Encoder encoder) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(encoder, "encoder");
        try {
            Path parent = path.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(path))) {
                encoder.encode(out);
            }
        } catch (IOException e) {
            throw new GradCamException("cannot write " + format + " file " + path.toAbsolutePath() + ": " + e, e);
        }
    }

    /**
     * Writes to {@code out} and flushes it; the caller keeps and closes the stream.
     *
     * @param format what is written, for the error message, e.g. {@code "PNG"}
     * @throws GradCamException naming the format, if the stream fails
     */
    public static void write(OutputStream out, String format, Encoder encoder) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(encoder, "encoder");
        try {
            encoder.encode(out);
            out.flush();
        } catch (IOException e) {
            throw new GradCamException("cannot write " + format + " data to stream: " + e, e);
        }
    }
}
