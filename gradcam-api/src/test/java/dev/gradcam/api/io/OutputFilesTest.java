package dev.gradcam.api.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.GradCamException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files appear whole or not at all: a failed write keeps the previous file and leaves no temporary file behind. */
class OutputFilesTest {

    @Test
    void aFailedWriteKeepsThePreviousFileAndLeavesNothingBehind(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("sub").resolve("heatmap.npy");
        OutputFiles.write(file, ".npy", out -> out.write(new byte[] {1, 2, 3}));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
        GradCamException e = assertThrows(GradCamException.class, () -> OutputFiles.write(file, ".npy", out -> {
            out.write(new byte[] {9, 9});
            throw new IOException("disk full");
        }));
        assertEquals(true, e.getMessage().contains("disk full") && e.getMessage().contains("heatmap.npy"));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file), "the old file is untouched");
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertEquals(1, s.count(), "no temporary file is left");
        }
        OutputFiles.write(file, ".npy", out -> out.write(new byte[] {4}));
        assertArrayEquals(new byte[] {4}, Files.readAllBytes(file), "a complete write replaces it");
    }
}
