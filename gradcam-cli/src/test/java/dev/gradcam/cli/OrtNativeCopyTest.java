package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cached copy of ONNX Runtime's native libraries, on jars laid out as ONNX Runtime's are. */
class OrtNativeCopyTest {

    private static final String DIR = "ai/onnxruntime/native/linux-x64/";

    @Test
    void unpacksOnceAndReusesTheCopy(@TempDir Path tmp) throws IOException {
        Path jar = jar(tmp.resolve("ort.jar"), Map.of(DIR + "libonnxruntime.so", bytes(5000, 1),
                DIR + "libonnxruntime4j_jni.so", bytes(300, 2), DIR + "libonnxruntime_providers_cuda.so", bytes(10, 3),
                "ai/onnxruntime/native/osx-aarch64/libonnxruntime.dylib", bytes(20, 4)));
        Path cache = tmp.resolve("cache");
        try (URLClassLoader cl = loader(jar)) {
            Path dir = OrtNativeCopy.prepare(cache, cl, "linux-x64").orElseThrow();
            assertArrayEquals(bytes(5000, 1), Files.readAllBytes(dir.resolve("libonnxruntime.so")));
            assertArrayEquals(bytes(300, 2), Files.readAllBytes(dir.resolve("libonnxruntime4j_jni.so")));
            try (Stream<Path> files = Files.list(dir)) {
                assertEquals(2, files.count(), "ONNX Runtime's own libraries, no execution provider");
            }
            long written = Files.getLastModifiedTime(dir.resolve("libonnxruntime.so")).toMillis();
            assertEquals(Optional.of(dir), OrtNativeCopy.prepare(cache, cl, "linux-x64"));
            assertEquals(written, Files.getLastModifiedTime(dir.resolve("libonnxruntime.so")).toMillis(),
                    "a complete copy is used as it is");
            try (Stream<Path> entries = Files.list(cache)) {
                assertEquals(1, entries.count(), "no temporary folder is left behind");
            }
        }
    }

    @Test
    void aDamagedCopyIsReplacedAndAnotherBuildGetsItsOwnFolder(@TempDir Path tmp) throws IOException {
        Path cache = tmp.resolve("cache");
        Path first;
        try (URLClassLoader cl = loader(jar(tmp.resolve("a.jar"), Map.of(DIR + "libonnxruntime.so", bytes(800, 5),
                DIR + "libonnxruntime4j_jni.so", bytes(8, 1))))) {
            first = OrtNativeCopy.prepare(cache, cl, "linux-x64").orElseThrow();
            Files.write(first.resolve("libonnxruntime.so"), bytes(10, 0));
            Path again = OrtNativeCopy.prepare(cache, cl, "linux-x64").orElseThrow();
            assertEquals(first, again);
            assertArrayEquals(bytes(800, 5), Files.readAllBytes(again.resolve("libonnxruntime.so")));
        }
        try (URLClassLoader cl = loader(jar(tmp.resolve("b.jar"), Map.of(DIR + "libonnxruntime.so", bytes(800, 6),
                DIR + "libonnxruntime4j_jni.so", bytes(8, 1))))) {
            Path other = OrtNativeCopy.prepare(cache, cl, "linux-x64").orElseThrow();
            assertNotEquals(first, other, "same size, other content: another folder");
            assertArrayEquals(bytes(800, 6), Files.readAllBytes(other.resolve("libonnxruntime.so")));
        }
    }

    @Test
    void leavesOnnxRuntimeToItselfWhenThereIsNothingToCopy(@TempDir Path tmp) throws IOException {
        try (URLClassLoader cl = loader(jar(tmp.resolve("x.jar"), Map.of(DIR + "libonnxruntime.so", bytes(3, 1))))) {
            assertTrue(OrtNativeCopy.prepare(tmp.resolve("cache"), cl, "linux-x64").isEmpty(), "the JNI library missing");
        }
        Files.createDirectories(tmp.resolve("classes").resolve(DIR));
        try (URLClassLoader cl = new URLClassLoader(new URL[] {tmp.resolve("classes").toUri().toURL()}, null)) {
            assertTrue(OrtNativeCopy.prepare(tmp.resolve("cache"), cl, "linux-x64").isEmpty(), "not in a jar");
        }
    }

    @Test
    void namesThisMachinesFolderAsOnnxRuntimeDoes() {
        assertTrue(OrtNativeCopy.platform().matches("(linux|osx|win)-\\w+"), OrtNativeCopy.platform());
    }

    private static URLClassLoader loader(Path jar) throws IOException {
        return new URLClassLoader(new URL[] {jar.toUri().toURL()}, null);
    }

    private static Path jar(Path file, Map<String, byte[]> entries) throws IOException {
        try (OutputStream out = Files.newOutputStream(file); JarOutputStream j = new JarOutputStream(out)) {
            for (String dir : new String[] {"ai/", "ai/onnxruntime/", "ai/onnxruntime/native/", DIR}) {
                j.putNextEntry(new JarEntry(dir));
                j.closeEntry();
            }
            for (var e : entries.entrySet()) {
                j.putNextEntry(new JarEntry(e.getKey()));
                j.write(e.getValue());
                j.closeEntry();
            }
        }
        return file;
    }

    private static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }
}
