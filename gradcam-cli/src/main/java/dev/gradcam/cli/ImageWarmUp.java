package dev.gradcam.cli;

import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.PngWriter;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Loads the image classes a run needs (ImageIO's PNG reader and AWT's image classes, the PNG encoder) on a background
 * thread while the command sets itself up and loads the model: in a fresh JVM their first use costs about 0.1 s,
 * which a single-image run would otherwise pay on the main thread before its first pass. Best effort: a failure is
 * left for the real read or write to report.
 */
final class ImageWarmUp {

    private ImageWarmUp() {
    }

    /** Starts the warm-up on a daemon thread. */
    static Thread start() {
        Thread t = new Thread(ImageWarmUp::warmUp, "gradcam-image-warm-up");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * Encodes a tiny image, writes it to a temporary file, reads it back and deletes the file.
     *
     * @return whether the image came back as written
     */
    static boolean warmUp() {
        Path tmp = null;
        try {
            tmp = Files.createTempFile("gradcam-warm-up", ".png");
            BufferedImage tiny = new BufferedImage(2, 2, BufferedImage.TYPE_3BYTE_BGR);
            tiny.setRGB(1, 0, 0x336699);
            Files.write(tmp, PngWriter.toBytes(tiny));
            return Images.read(tmp).getRGB(1, 0) == 0xFF336699;
        } catch (IOException | RuntimeException e) {
            return false; // the real read or write reports whatever is wrong
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a leftover 70-byte file in the temporary folder is harmless
                }
            }
        }
    }
}
