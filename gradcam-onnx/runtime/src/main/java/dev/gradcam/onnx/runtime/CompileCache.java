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
 * the session, so it holds exactly the graph that session runs; its initializers in {@code KEY.ID.data}, which ONNX
 * Runtime maps into memory when it loads the entry) and the names of what the graph takes and gives
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
    /** How long a remembered digest or preload hint is kept without being written again. */
    static final int NOTE_DAYS = 30;
    /** Read once: every key covers it. */
    private static final String CPU = cpuIdentity();

    private final Path dir;
    private final long maxBytes;
    /** A model file changed less than this long before hashing gets no remembered digest. */
    private final long racyWindowMillis;
    /** Entries used and entries written through this instance: what tests check. */
    private final java.util.concurrent.atomic.AtomicInteger hits = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger preloads = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * @param dir      the cache folder (created when missing)
     * @param maxBytes the size bound of the folder's entries
     */
    CompileCache(Path dir, long maxBytes) {
        this(dir, maxBytes, 2000);
    }

    /** As above, with how recently changed a model file may be and still have its digest remembered (tests). */
    CompileCache(Path dir, long maxBytes, long racyWindowMillis) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.racyWindowMillis = racyWindowMillis;
    }

    /**
     * A found entry: the optimised model to load, the compiled graph's names (its model is absent, or holds only the
     * inputs in entries of older gradcam versions) and its inputs.
     */
    record Entry(Path optimizedModel, CompiledGraph graph, List<GraphInput> inputs) {
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
        md.update(CPU.getBytes(StandardCharsets.UTF_8));
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
     * The SHA-256 of a model read from a file, remembered across processes: hashing a 100 MB model costs about 0.3 s,
     * more than the cache saves on small variants, so the digest is kept under the file's identity (real path, size,
     * modification and status-change times, file key: see {@link FileStamp}) and recomputed only when one of them
     * changes. Only for files that hold the whole model (no external data: the file's size equals the model's
     * serialised size); otherwise, and for models without a file, the digest is computed every time. A file changed
     * less than {@link #racyWindowMillis} before it is hashed is not remembered: a second write within the file
     * system's timestamp granularity could otherwise keep the same identity with other bytes. Nor is a file whose
     * status-change time is unknown (not a Unix file system), whose modification time a tool could have restored.
     *
     * @param stamp the file's identity, the same before and after {@code model} was read from it; or null
     */
    byte[] modelDigest(FileStamp stamp, ModelProto model) {
        if (stamp != null && (stamp.size() != model.getSerializedSize() || !stamp.changeTimed())) {
            stamp = null; // external data (or a file changed since it was read): its bytes are not all in this file
        }
        byte[] known = stamp == null ? null : rememberedDigest(stamp);
        if (known != null) {
            return known;
        }
        byte[] d = digest(model);
        if (stamp != null && rememberable(stamp)) {
            writeAtomically(digestFile(stamp), HexFormat.of().formatHex(d).getBytes(StandardCharsets.US_ASCII));
        }
        return d;
    }

    /**
     * The digest remembered under a file identity by {@link #modelDigest}, or null. Only written for files that hold
     * the whole model, so a caller without the model (a warm start from a {@link ModelSummary}) may use it as is.
     */
    byte[] rememberedDigest(FileStamp stamp) {
        try {
            byte[] known = HexFormat.of().parseHex(Files.readString(digestFile(stamp), StandardCharsets.US_ASCII)
                    .trim());
            return known.length == 32 ? known : null;
        } catch (IOException | IllegalArgumentException e) {
            return null; // not remembered yet, or damaged: computed again
        }
    }

    private Path digestFile(FileStamp stamp) {
        return dir.resolve("models").resolve(stamp.id() + ".sha256");
    }

    /**
     * Whether facts about the file with this identity, read just now, may be remembered: it has a status-change time
     * and was not changed within {@link #racyWindowMillis} (a second write within the file system's timestamp
     * granularity could otherwise keep the identity with other bytes).
     */
    boolean rememberable(FileStamp stamp) {
        return stamp.changeTimed() && System.currentTimeMillis() - stamp.changedMillis() >= racyWindowMillis;
    }

    /**
     * The summary of the model file with this identity ({@link ModelSummary}), or null when there is none, it is
     * damaged, or it was made by other code (then the next {@link #rememberSummary} replaces it).
     */
    ModelSummary summary(FileStamp stamp) {
        if (!stamp.changeTimed()) {
            return null;
        }
        try {
            return ModelSummary.decode(Files.readAllBytes(summaryFile(stamp)), stamp.id());
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Keeps a model's summary under its file's identity, for the next process to start without reading the model.
     * The caller keeps summaries only of files that hold the whole model (external data is outside the identity) and
     * that were {@link #rememberable} when read; written atomically, failures only logged.
     */
    void rememberSummary(FileStamp stamp, ModelSummary summary) {
        writeAtomically(summaryFile(stamp), summary.encode(stamp.id()));
    }

    private Path summaryFile(FileStamp stamp) {
        return dir.resolve("models").resolve(stamp.id() + ".summary");
    }

    /**
     * The compile-cache keys that the last process used first with this model file and these settings: what a new
     * process preloads ({@link Preload}), in the order the last process first used them. Advisory: a key is used only if a pass asks for exactly that key.
     */
    List<String> recentKeys(FileStamp stamp, String settings) {
        try {
            return Files.readAllLines(recentFile(stamp, settings), StandardCharsets.US_ASCII).stream()
                    .map(String::trim).filter(k -> k.matches("[0-9a-f]{64}")).toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * Records the keys a model instance used first with this model file and settings, in order, for the next
     * process to preload; written only when they differ from what is recorded.
     */
    void noteFirstUsed(FileStamp stamp, String settings, List<String> keys) {
        if (!keys.equals(recentKeys(stamp, settings))) {
            writeAtomically(recentFile(stamp, settings), (String.join("\n", keys) + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
        }
    }

    private Path recentFile(FileStamp stamp, String settings) {
        String name = HexFormat.of().formatHex(sha256().digest((stamp.id() + "|" + settings)
                .getBytes(StandardCharsets.UTF_8)));
        return dir.resolve("models").resolve(name + ".recent");
    }

    /** Writes a small file under a temporary name and renames it into place; failures are only logged. */
    private static void writeAtomically(Path target, byte[] content) {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp-" + UUID.randomUUID());
        try {
            Files.createDirectories(target.getParent());
            Files.write(tmp, content);
            move(tmp, target);
        } catch (IOException e) {
            LOG.debug("could not write {}: {}", target, e.toString());
        } finally {
            deleteQuietly(tmp);
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
            Entry e = decode(model, p);
            FileTime now = FileTime.fromMillis(System.currentTimeMillis());
            Files.setLastModifiedTime(props, now); // least recently used goes first
            return Optional.of(e);
        } catch (IOException | RuntimeException e) {
            LOG.warn("discarding the damaged compile-cache entry {}: {}", props, e.toString());
            discard(key);
            return Optional.empty();
        }
    }

    /**
     * Where ONNX Runtime writes one variant's optimised graph before it is published: the graph under a temporary
     * name, its initializers (all but the smallest) in a data file of a unique name beside it. Initializers outside
     * the graph file load about five times faster: ONNX Runtime maps them into memory instead of parsing them.
     *
     * @param dataName the data file's name, relative to the cache folder (as the graph refers to it)
     */
    record Pending(String key, Path model, String dataName) {
    }

    /** A fresh {@link Pending} for {@code key}. */
    Pending begin(String key) throws IOException {
        Files.createDirectories(dir);
        String id = UUID.randomUUID().toString();
        return new Pending(key, dir.resolve(key + ".onnx.tmp-" + id), key + "." + id + ".data");
    }

    /**
     * Publishes an entry: the optimised model ONNX Runtime wrote for {@code pending}, then its names. When another
     * process published the same key first, its entry stays and ours is deleted (its data file may be in use). Failures
     * are logged and leave no entry: the cache is an optimisation, never a reason for a pass to fail.
     */
    void commit(Pending pending, CompiledGraph graph) {
        String key = pending.key();
        Path props = dir.resolve(key + ".properties");
        Path tmpProps = dir.resolve(key + ".properties.tmp-" + UUID.randomUUID());
        boolean published = false;
        try {
            if (!Files.isRegularFile(pending.model()) || Files.size(pending.model()) == 0) {
                LOG.debug("ONNX Runtime wrote no optimised model for {}; not cached", key);
                return;
            }
            if (Files.isRegularFile(props) && Files.isRegularFile(dir.resolve(key + ".onnx"))) {
                LOG.debug("compile-cache entry {} was published by another process meanwhile; keeping that", key);
                return;
            }
            move(pending.model(), dir.resolve(key + ".onnx"));
            published = true;
            try (OutputStream out = Files.newOutputStream(tmpProps)) {
                encode(graph).store(out, "gradcam compiled variant; the optimised model is " + key + ".onnx");
            }
            move(tmpProps, props);
            writes.incrementAndGet();
            evict();
        } catch (IOException | RuntimeException e) {
            LOG.warn("could not write the compile-cache entry {} in {}: {}", key, dir, e.toString());
        } finally {
            deleteQuietly(tmpProps);
            if (!published) {
                abandon(pending);
            }
        }
    }

    /** Deletes what ONNX Runtime wrote for an entry that is not published. */
    void abandon(Pending pending) {
        deleteQuietly(pending.model());
        deleteQuietly(dir.resolve(pending.dataName()));
    }

    /** Records that a found entry was loaded and used; {@code preloaded} when a {@link Preload} had loaded it. */
    void loaded(boolean preloaded) {
        hits.incrementAndGet();
        if (preloaded) {
            preloads.incrementAndGet();
        }
    }

    /** Entries used that a {@link Preload} had loaded before the pass asked. */
    int preloadedHits() {
        return preloads.get();
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
        for (Path data : dataFiles(key)) {
            deleteQuietly(data);
        }
    }

    /** The initializer files of an entry: one, or more when processes raced to publish it (others than the one used). */
    private List<Path> dataFiles(String key) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, key + ".*.data")) {
            ds.forEach(out::add);
        } catch (IOException e) {
            LOG.debug("could not list the data files of {}: {}", key, e.toString());
        }
        return out;
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
                    for (Path data : dataFiles(key)) {
                        bytes += Files.size(data);
                    }
                    items.add(new Item(key, bytes, Files.getLastModifiedTime(props).toMillis()));
                    total += bytes;
                } catch (NoSuchFileException e) {
                    // another process evicted or is publishing it: not ours to count
                }
            }
        }
        pruneModelNotes();
        items.sort((a, b) -> Long.compare(a.used(), b.used()));
        for (int i = 0; total > maxBytes && i < items.size(); i++) {
            discard(items.get(i).key());
            total -= items.get(i).bytes();
            LOG.debug("compile cache {}: evicted {} ({} bytes)", dir, items.get(i).key(), items.get(i).bytes());
        }
    }

    /**
     * Deletes remembered digests and preload hints ({@code models/}) not written for {@link #NOTE_DAYS} days: one pair
     * accumulates per model file identity, so without this a folder of rewritten models would grow without bound. A
     * deleted note only costs one more digest (or one start without preload).
     */
    private void pruneModelNotes() {
        Path models = dir.resolve("models");
        if (!Files.isDirectory(models)) {
            return;
        }
        long cutoff = System.currentTimeMillis() - NOTE_DAYS * 24L * 3600 * 1000;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(models)) {
            for (Path note : ds) {
                try {
                    if (Files.getLastModifiedTime(note).toMillis() < cutoff) {
                        deleteQuietly(note);
                    }
                } catch (IOException e) {
                    // another process deleted it
                }
            }
        } catch (IOException e) {
            LOG.debug("could not prune {}: {}", models, e.toString());
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
        // The graph's inputs with their types (what feeds are converted to), in plain text: a hit then needs no
        // protobuf. Also as a serialised model, which older gradcam versions sharing the folder read.
        List<GraphInput> inputs = GraphInput.of(g);
        p.setProperty("feeds", Integer.toString(inputs.size()));
        for (int i = 0; i < inputs.size(); i++) {
            GraphInput in = inputs.get(i);
            p.setProperty("feed." + i + ".name", in.name());
            p.setProperty("feed." + i + ".type", Integer.toString(in.elementType()));
            p.setProperty("feed." + i + ".dims", in.dims().stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(",")));
        }
        ModelProto inputsOnly = ModelProto.newBuilder()
                .setGraph(GraphProto.newBuilder().addAllInput(g.model().getGraph().getInputList())).build();
        p.setProperty("inputs", Base64.getEncoder().encodeToString(inputsOnly.toByteArray()));
        return p;
    }

    private static Entry decode(Path model, Properties p) throws IOException {
        ModelProto inputsOnly = null;
        List<GraphInput> inputs = new ArrayList<>();
        String feeds = p.getProperty("feeds");
        if (feeds != null) {
            for (int i = 0, n = Integer.parseInt(feeds); i < n; i++) {
                String dims = required(p, "feed." + i + ".dims");
                inputs.add(new GraphInput(required(p, "feed." + i + ".name"),
                        Integer.parseInt(required(p, "feed." + i + ".type")), dims.isEmpty() ? List.of()
                        : java.util.Arrays.stream(dims.split(",")).map(Long::valueOf).toList()));
            }
        } else {
            inputsOnly = ModelProto.parseFrom(Base64.getDecoder().decode(required(p, "inputs")));
        }
        CompiledGraph g = new CompiledGraph(inputsOnly, required(p, "input"), p.getProperty("seedInput"),
                required(p, "output"), prefixed(p, "activation."), prefixed(p, "gradient."),
                p.getProperty("inputGradient"), p.getProperty("seedOutput"), prefixed(p, "bias."), prefixed(p, "hvp."),
                prefixed(p, "tangent."));
        return new Entry(model, g, inputsOnly != null ? GraphInput.of(g) : List.copyOf(inputs));
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
        try (java.io.BufferedReader r = Files.newBufferedReader(Path.of("/proc/cpuinfo"))) {
            for (String line; (line = r.readLine()) != null; ) {
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
