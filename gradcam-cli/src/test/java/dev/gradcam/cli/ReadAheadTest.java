package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first image decoded while the model loads: the image the reader would have read, handed over once. */
class ReadAheadTest {

    @TempDir
    Path dir;

    @Test
    void theFirstImageOfAFileOrFolderIsReadAheadAndHandedOverOnce() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("folder"));
        Path b = GradcamCliTest.image(folder.resolve("b.png"), 9, 7);
        Path a = GradcamCliTest.image(folder.resolve("a.png"), 8, 6);
        assertEquals(a, InputSources.firstImage(folder), "the folder's first image in listing order");
        assertEquals(b, InputSources.firstImage(b));

        ReadAhead ahead = ReadAhead.start(folder);
        BufferedImage first = ahead.read(a);
        assertArrayEquals(pixels(Images.read(a)), pixels(first), "what the reader itself would read");
        BufferedImage again = ahead.read(a);
        assertNotSame(first, again, "handed over once, then read anew");
        assertArrayEquals(pixels(first), pixels(again));
        assertEquals(9, ahead.read(b).getWidth(), "other files are read when asked for");

        ReadAhead other = ReadAhead.start(folder);
        assertEquals(9, other.read(b).getWidth(), "asked first for another file: that file");
        assertArrayEquals(pixels(Images.read(a)), pixels(other.read(a)));
    }

    @Test
    void nothingIsReadAheadForArraysOrMissingPaths() throws Exception {
        Path npy = dir.resolve("batch.npy");
        Npy.write(FloatTensor.zeros(Shape.of(1, 3, 4, 4)), npy);
        assertNull(InputSources.firstImage(npy));
        assertNull(InputSources.firstImage(dir.resolve("missing.png")));
        assertNull(InputSources.firstImage(Files.createDirectories(dir.resolve("empty"))));
        Path image = GradcamCliTest.image(dir.resolve("late.png"), 5, 4);
        assertEquals(5, ReadAhead.start(npy).read(image).getWidth(), "nothing read ahead: files read when asked");
        assertEquals(5, ReadAhead.NONE.read(image).getWidth());
    }

    @Test
    void aFailedReadAheadFailsAsTheReaderWould() throws Exception {
        Path broken = dir.resolve("broken.png");
        Files.write(broken, new byte[] {(byte) 0x89, 'P', 'N', 'G', 1, 2, 3});
        GradCamException direct = assertThrows(GradCamException.class, () -> Images.read(broken));
        ReadAhead ahead = ReadAhead.start(broken);
        GradCamException viaAhead = assertThrows(GradCamException.class, () -> ahead.read(broken));
        assertEquals(direct.getClass(), viaAhead.getClass());
        assertEquals(direct.getMessage(), viaAhead.getMessage());
    }

    private static int[] pixels(BufferedImage image) {
        return image.getRGB(0, 0, image.getWidth(), image.getHeight(), null, 0, image.getWidth());
    }
}
