package dev.gradcam.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * One unpacked copy of ONNX Runtime's native libraries, kept in the tool's cache folder and handed to ONNX Runtime
 * through its {@code onnxruntime.native.path} property. Without it every process unpacks the 22 MB library to a fresh
 * temporary folder before its first explanation: about 135 ms of a warm start (docs/performance.md).
 *
 * <p>The copy's folder is named for the sizes and CRCs the jar records for those files, so another ONNX Runtime
 * build gets another folder; it is written under a temporary name and renamed, so a concurrent or interrupted process
 * never leaves a half-written copy in use. Anything unusual (libraries outside a jar, a read-only cache, a copy whose
 * sizes differ) leaves ONNX Runtime to unpack its libraries itself, as it does without this class.
 */
final class OrtNativeCopy {

    static final String PROPERTY = "onnxruntime.native.path";
    private static final String ROOT = "ai/onnxruntime/native/";
    private static final List<String> CORE = List.of("onnxruntime", "onnxruntime4j_jni");

    private OrtNativeCopy() {
    }

    /**
     * Points ONNX Runtime at the cached copy under {@code cacheDir}, creating it when missing, unless the property is
     * already set. Must run before ONNX Runtime is first used in this JVM; later it changes nothing.
     *
     * @return the folder ONNX Runtime will load from, or empty when it unpacks its libraries itself
     */
    static Optional<Path> use(Path cacheDir, ClassLoader loader) {
        if (cacheDir == null || System.getProperty(PROPERTY) != null) {
            return Optional.empty();
        }
        Optional<Path> dir = prepare(cacheDir.resolve("native"), loader, platform());
        if (dir.isEmpty()) {
            return dir;
        }
        try {
            // A cache on a noexec mount cannot be loaded from: find out before ONNX Runtime is told to, since it
            // would then fail for the whole JVM instead of unpacking to its temporary folder.
            System.load(dir.get().resolve(System.mapLibraryName("onnxruntime")).toString());
        } catch (UnsatisfiedLinkError | SecurityException e) {
            return Optional.empty();
        }
        System.setProperty(PROPERTY, dir.get().toString());
        try {
            // Loads the libraries now, while the folder is known to be complete.
            Class.forName("ai.onnxruntime.OrtEnvironment", true, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            // reported as it would be without the copy, when the backend is first used
        }
        return dir;
    }

    /** The copy for {@code platform} (e.g. {@code linux-x64}) under {@code parent}, created when missing. */
    static Optional<Path> prepare(Path parent, ClassLoader loader, String platform) {
        String prefix = ROOT + platform + "/";
        URL probe = loader.getResource(prefix);
        if (probe == null || !"jar".equals(probe.getProtocol())) {
            return Optional.empty();
        }
        try {
            JarURLConnection c = (JarURLConnection) probe.openConnection();
            c.setUseCaches(false);
            try (JarFile jar = c.getJarFile()) {
                List<JarEntry> libs = libraries(jar, prefix);
                if (libs.isEmpty()) {
                    return Optional.empty();
                }
                Path dir = parent.resolve("onnxruntime-" + platform + "-" + fingerprint(libs));
                if (complete(dir, libs, prefix)) {
                    return Optional.of(dir);
                }
                if (Files.exists(dir)) {
                    // damaged (a file deleted or truncated by hand): set it aside, then unpack afresh
                    Path aside = parent.resolve(".damaged-" + System.nanoTime());
                    Files.move(dir, aside, StandardCopyOption.ATOMIC_MOVE);
                    deleteTree(aside);
                }
                return unpack(jar, libs, prefix, parent, dir);
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> unpack(JarFile jar, List<JarEntry> libs, String prefix, Path parent, Path dir)
            throws IOException {
        Files.createDirectories(parent);
        Path tmp = Files.createTempDirectory(parent, ".unpacking-");
        try {
            for (JarEntry e : libs) {
                try (InputStream in = jar.getInputStream(e)) {
                    Files.copy(in, tmp.resolve(e.getName().substring(prefix.length())));
                }
            }
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException raced) {
                // another process published the same copy first
            }
            return complete(dir, libs, prefix) ? Optional.of(dir) : Optional.empty();
        } finally {
            deleteTree(tmp);
        }
    }

    /**
     * ONNX Runtime's own libraries under {@code prefix}. Execution-provider libraries (the GPU jar's CUDA provider is
     * hundreds of MB) are left to ONNX Runtime, which unpacks them only when a session asks for that provider.
     */
    private static List<JarEntry> libraries(JarFile jar, String prefix) {
        List<JarEntry> out = new ArrayList<>();
        for (String lib : CORE) {
            JarEntry e = jar.getJarEntry(prefix + System.mapLibraryName(lib));
            if (e == null) {
                return List.of();
            }
            out.add(e);
        }
        return out;
    }

    private static String fingerprint(List<JarEntry> libs) {
        CRC32 crc = new CRC32();
        for (JarEntry e : libs) {
            crc.update(e.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            crc.update(Long.toString(e.getSize()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            crc.update(Long.toString(e.getCrc()).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        return String.format(Locale.ROOT, "%08x", crc.getValue());
    }

    private static boolean complete(Path dir, List<JarEntry> libs, String prefix) throws IOException {
        for (JarEntry e : libs) {
            Path f = dir.resolve(e.getName().substring(prefix.length()));
            if (!Files.isRegularFile(f) || Files.size(f) != e.getSize()) {
                return false;
            }
        }
        return true;
    }

    /** ONNX Runtime's name for this machine's folder in its jar. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win" : "linux";
        String a = arch.equals("amd64") || arch.equals("x86_64") ? "x64"
                : arch.equals("arm64") || arch.equals("aarch64") ? "aarch64" : arch;
        return o + "-" + a;
    }

    private static void deleteTree(Path p) {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> {
                try {
                    Files.deleteIfExists(f);
                } catch (IOException e) {
                    // best effort: a leftover temporary folder is harmless
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
