package dev.gradcam.onnx.runtime;

import dev.gradcam.onnx.grad.CompiledGraph;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiled variants on disk, so that a new process (a second CLI run, a restarted server) skips both gradient
 * compilation and ONNX Runtime's graph optimisation, which dominate the first call of every variant.
 *
 * <p>An entry is ONNX Runtime's optimised model ({@code KEY.onnx}, written by ONNX Runtime itself while it creates
 * the session, so it holds exactly the graph that session runs) and the names of what the graph takes and gives
 * ({@code KEY.properties}). The key digests everything the optimised graph depends on: the model's bytes, the variant
 * (taps, output, gradient mode and parameters, seed kind, input gradient, bias layers, input shape), the execution
 * provider and device, the optimisation level, ONNX Runtime's version, gradcam's cache format and the CPU (optimised
 * CPU graphs use the blocked layout of the CPU they were made on). A changed model, setting or machine is a new key,
 * never a stale hit.
 *
 * <p>Safe under concurrent processes: files are written under unique temporary names and renamed into place, the
 * properties file last, so an entry is visible only once complete; two processes making the same entry write the
 * same content. A damaged entry is deleted and rebuilt. The folder is kept under a size bound by deleting the least
 * recently used entries. Thread-safe.
 */
final class CompileCache {

    /** Bump when the entry layout or what the key covers changes. */
    private static final String FORMAT = "gradcam-compile-cache-1";
    private static final Logger LOG = LoggerFactory.getLogger(CompileCache.class);

    private final Path dir;
    private final long maxBytes;
    /** Entries used and entries written through this instance: what tests check. */
    private final java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param dir      the cache folder (created when missing)
     * @param maxBytes the size bound of the folder's entries
     */
    CompileCache(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** A found entry: the optimised model to load, and the compiled graph's names (its model holds only inputs). */
    record Entry(Path optimizedModel, CompiledGraph graph) {
    }

    /** The key of one variant of one model: a hex SHA-256 over everything the optimised graph depends on. */
    static String key(byte[] modelDigest, List<String> parts) {
        MessageDigest md = sha256();
        md.update(FORMAT.getBytes(StandardCharsets.UTF_8));
        md.update(modelDigest);
        for (String p : parts) {
            md.update((byte) 0);
            md.update(p.getBytes(StandardCharsets.UTF_8));
        }
        md.update((byte) 0);
        md.update(cpuIdentity().getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(md.digest());
    }

    /** The SHA-256 of a model's serialised bytes. */
    static byte[] digest(ModelProto model) {
        MessageDigest md = sha256();
        try (OutputStream out = new DigestSink(md)) {
            model.writeTo(out);
        } catch (IOException e) {
            throw new IllegalStateException("digesting a model in memory cannot fail", e);
        }
        return md.digest();
    }

    /**
     * The SHA-256 of a model read from {@code file}, remembered across processes: hashing a 100 MB model costs about
     * 0.3 s, more than the cache saves on small variants, so the digest is kept under the file's identity (real path,
     * size, modification time, file key) and recomputed only when one of them changes. Only for files that hold the
     * whole model (no external data: the file's size equals the model's serialised size); otherwise, and for models
     * without a file, the digest is computed every time.
     */
    byte[] modelDigest(Path file, ModelProto model) {
        String identity = file == null ? null : fileIdentity(file, model.getSerializedSize());
        Path memo = identity == null ? null : dir.resolve("models").resolve(identity + ".sha256");
        if (memo != null) {
            try {
                byte[] known = HexFormat.of().parseHex(Files.readString(memo, StandardCharsets.US_ASCII).trim());
                if (known.length == 32) {
                    return known;
                }
            } catch (IOException | IllegalArgumentException e) {
                // not remembered yet, or damaged: compute it
            }
        }
        byte[] d = digest(model);
        if (memo != null) {
            Path tmp = memo.resolveSibling(memo.getFileName() + ".tmp-" + UUID.randomUUID());
            try {
                Files.createDirectories(memo.getParent());
                Files.writeString(tmp, HexFormat.of().formatHex(d), StandardCharsets.US_ASCII);
                move(tmp, memo);
            } catch (IOException e) {
                LOG.debug("could not remember the digest of {}: {}", file, e.toString());
            } finally {
                deleteQuietly(tmp);
            }
        }
        return d;
    }

    /** A hex digest of the file's identity, or null when the file does not hold the whole model by itself. */
    private static String fileIdentity(Path file, long modelBytes) {
        try {
            Path real = file.toRealPath();
            var attrs = Files.readAttributes(real, java.nio.file.attribute.BasicFileAttributes.class);
            if (attrs.size() != modelBytes) {
                return null; // external data (or a changed file): its bytes are not all in this file
            }
            String id = real + "|" + attrs.size() + "|" + attrs.lastModifiedTime().toInstant() + "|" + attrs.fileKey();
            return HexFormat.of().formatHex(sha256().digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The entry for {@code key}, or empty when there is none (or it was damaged, and is now deleted). */
    Optional<Entry> lookup(String key) {
        Path props = dir.resolve(key + ".properties");
        Path model = dir.resolve(key + ".onnx");
        if (!Files.isRegularFile(props) || !Files.isRegularFile(model)) {
            return Optional.empty();
        }
        try {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(props)) {
                p.load(in);
            }
            CompiledGraph g = decode(p);
            FileTime now = FileTime.fromMillis(System.currentTimeMillis());
            Files.setLastModifiedTime(props, now); // least recently used goes first
            return Optional.of(new Entry(model, g));
        } catch (IOException | RuntimeException e) {
            LOG.warn("discarding the damaged compile-cache entry {}: {}", props, e.toString());
            discard(key);
            return Optional.empty();
        }
    }

    /** A fresh temporary path in the cache folder for ONNX Runtime to write the optimised model of {@code key} to. */
    Path temporaryModelPath(String key) throws IOException {
        Files.createDirectories(dir);
        return dir.resolve(key + ".onnx.tmp-" + UUID.randomUUID());
    }

    /**
     * Publishes an entry: the optimised model ONNX Runtime wrote to {@code writtenModel}, then its names. Failures
     * are logged and leave no entry: the cache is an optimisation, never a reason for a pass to fail.
     */
    void commit(String key, Path writtenModel, CompiledGraph graph) {
        Path props = dir.resolve(key + ".properties");
        Path tmpProps = dir.resolve(key + ".properties.tmp-" + UUID.randomUUID());
        try {
            if (!Files.isRegularFile(writtenModel) || Files.size(writtenModel) == 0) {
                LOG.debug("ONNX Runtime wrote no optimised model for {}; not cached", key);
                return;
            }
            move(writtenModel, dir.resolve(key + ".onnx"));
            try (OutputStream out = Files.newOutputStream(tmpProps)) {
                encode(graph).store(out, "gradcam compiled variant; the optimised model is " + key + ".onnx");
            }
            move(tmpProps, props);
            writes.incrementAndGet();
            evict();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write the compile-cache entry {} in {}: {}", key, dir, e.toString());
        } finally {
            deleteQuietly(writtenModel);
            deleteQuietly(tmpProps);
        }
    }

    /** Records that a found entry was loaded and used. */
    void loaded() {
        hits.incrementAndGet();
    }

    /** Entries loaded and used. */
    int hits() {
        return hits.get();
    }

    /** Entries published by {@link #commit}. */
    int writes() {
        return writes.get();
    }

    /** Deletes an entry (e.g. one ONNX Runtime could not load). */
    void discard(String key) {
        deleteQuietly(dir.resolve(key + ".properties"));
        deleteQuietly(dir.resolve(key + ".onnx"));
    }

    /** Deletes least recently used entries until the folder's entries fit the size bound. */
    void evict() throws IOException {
        record Item(String key, long bytes, long used) {
        }
        List<Item> items = new ArrayList<>();
        long total = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.properties")) {
            for (Path props : ds) {
                String name = props.getFileName().toString();
                String key = name.substring(0, name.length() - ".properties".length());
                try {
                    long bytes = Files.size(props) + Files.size(dir.resolve(key + ".onnx"));
                    items.add(new Item(key, bytes, Files.getLastModifiedTime(props).toMillis()));
                    total += bytes;
                } catch (NoSuchFileException e) {
                    // another process evicted or is publishing it: not ours to count
                }
            }
        }
        items.sort((a, b) -> Long.compare(a.used(), b.used()));
        for (int i = 0; total > maxBytes && i < items.size(); i++) {
            discard(items.get(i).key());
            total -= items.get(i).bytes();
            LOG.debug("compile cache {}: evicted {} ({} bytes)", dir, items.get(i).key(), items.get(i).bytes());
        }
    }

    private static Properties encode(CompiledGraph g) {
        Properties p = new Properties();
        p.setProperty("input", g.input());
        p.setProperty("output", g.output());
        putIfSet(p, "seedInput", g.seedInput());
        putIfSet(p, "inputGradient", g.inputGradient());
        putIfSet(p, "seedOutput", g.seedOutput());
        g.activations().forEach((tap, name) -> p.setProperty("activation." + tap, name));
        g.gradients().forEach((tap, name) -> p.setProperty("gradient." + tap, name));
        g.biasGradients().forEach((layer, name) -> p.setProperty("bias." + layer, name));
        g.hessianProducts().forEach((tap, name) -> p.setProperty("hvp." + tap, name));
        g.outputTangents().forEach((tap, name) -> p.setProperty("tangent." + tap, name));
        // The graph's inputs with their types: what feeds are converted to.
        ModelProto inputsOnly = ModelProto.newBuilder()
                .setGraph(GraphProto.newBuilder().addAllInput(g.model().getGraph().getInputList())).build();
        p.setProperty("inputs", Base64.getEncoder().encodeToString(inputsOnly.toByteArray()));
        return p;
    }

    private static CompiledGraph decode(Properties p) throws IOException {
        ModelProto inputsOnly = ModelProto.parseFrom(Base64.getDecoder().decode(required(p, "inputs")));
        return new CompiledGraph(inputsOnly, required(p, "input"), p.getProperty("seedInput"), required(p, "output"),
                prefixed(p, "activation."), prefixed(p, "gradient."), p.getProperty("inputGradient"),
                p.getProperty("seedOutput"), prefixed(p, "bias."), prefixed(p, "hvp."), prefixed(p, "tangent."));
    }

    private static String required(Properties p, String key) throws IOException {
        String v = p.getProperty(key);
        if (v == null) {
            throw new IOException("missing '" + key + "'");
        }
        return v;
    }

    private static Map<String, String> prefixed(Properties p, String prefix) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String k : new TreeMap<>(p).keySet().stream().map(String::valueOf).toList()) {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), p.getProperty(k));
            }
        }
        return out;
    }

    private static void putIfSet(Properties p, String key, String value) {
        if (value != null) {
            p.setProperty(key, value);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("could not delete {}: {}", p, e.toString());
        }
    }

    /** The CPU's model and instruction-set flags (Linux), else its architecture: optimised CPU graphs depend on them. */
    private static String cpuIdentity() {
        StringBuilder sb = new StringBuilder(System.getProperty("os.arch"));
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") || line.startsWith("flags")) {
                    sb.append('|').append(line);
                }
                if (line.isBlank()) {
                    break; // the first processor describes them all
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture alone
        }
        return sb.toString();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** An output stream that only feeds a digest. */
    private static final class DigestSink extends OutputStream {
        private final MessageDigest md;

        DigestSink(MessageDigest md) {
            this.md = md;
        }

        @Override
        public void write(int b) {
            md.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            md.update(b, off, len);
        }
    }
}
