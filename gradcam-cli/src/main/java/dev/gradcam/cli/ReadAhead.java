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
    static final ReadAhead NONE = new ReadAhead(null, null);

    private final Path file;
    private CompletableFuture<BufferedImage> image;

    private ReadAhead(Path file, CompletableFuture<BufferedImage> image) {
        this.file = file;
        this.image = image;
    }

    /** Starts decoding the first image that {@link InputSources#open} will list for {@code input}, if it lists any. */
    static ReadAhead start(Path input) {
        Path first = InputSources.firstImage(input);
        if (first == null) {
            return NONE;
        }
        CompletableFuture<BufferedImage> decoded = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                decoded.complete(Images.read(first));
            } catch (RuntimeException | Error e) {
                decoded.completeExceptionally(e);
            }
        }, "gradcam-read-ahead");
        t.setDaemon(true); // a run that fails before reading does not wait for it
        t.start();
        return new ReadAhead(first, decoded);
    }

    /** The image in {@code f}: the one read ahead, the first time it is asked for, else read now. */
    BufferedImage read(Path f) {
        CompletableFuture<BufferedImage> ahead = take(f);
        if (ahead != null) {
            try {
                return ahead.join();
            } catch (CompletionException e) {
                // read again below: the reader's own exception, on the reader's thread
            }
        }
        return Images.read(f);
    }

    private synchronized CompletableFuture<BufferedImage> take(Path f) {
        if (image == null || !f.equals(file)) {
            return null;
        }
        CompletableFuture<BufferedImage> ahead = image;
        image = null; // not held for the rest of the run
        return ahead;
    }
}
