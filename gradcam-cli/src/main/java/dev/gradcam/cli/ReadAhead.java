package dev.gradcam.cli;

import dev.gradcam.api.image.Images;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A run's first image, decoded on a background thread while the model loads. A short run would otherwise start
 * decoding (and ImageIO's and AWT's first use, about 0.1 s in a new JVM) only once the model and the explainer are
 * ready. The decoded image is handed over once, to the reader of its file; a failed read ahead is read again by that
 * reader, which reports the error where a run without read-ahead would.
 */
final class ReadAhead {

    /** No image read ahead: every file is read when asked for. */
    static final ReadAhead NONE = new ReadAhead(null);

    /** An image and the file it was read from. */
    private record Decoded(Path file, BufferedImage image) {
    }

    private CompletableFuture<Decoded> decoded;

    private ReadAhead(CompletableFuture<Decoded> decoded) {
        this.decoded = decoded;
    }

    /**
     * Starts decoding the first image that {@link InputSources#open} will list for {@code input}, if it lists any; the
     * listing too is off the caller's thread (a folder may hold many files).
     */
    static ReadAhead start(Path input) {
        return new ReadAhead(BackgroundThreads.async("gradcam-read-ahead", () -> {
            Path first = InputSources.firstImage(input);
            return first == null ? null : new Decoded(first, Images.read(first));
        }));
    }

    /** The image in {@code f}: the one read ahead, the first time an image is asked for, else read now. */
    BufferedImage read(Path f) {
        CompletableFuture<Decoded> ahead = take();
        if (ahead != null) {
            try {
                Decoded d = ahead.join();
                if (d != null && d.file().equals(f)) {
                    return d.image();
                }
            } catch (CompletionException e) {
                // read again below: the reader's own exception, on the reader's thread
            }
        }
        return Images.read(f);
    }

    private synchronized CompletableFuture<Decoded> take() {
        CompletableFuture<Decoded> ahead = decoded;
        decoded = null; // not held for the rest of the run
        return ahead;
    }
}
