package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.util.HexFormat;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compile cache on disk: what a later model instance (a later process) reuses, and when it must not. */
class CompileCacheTest {

    private static final Path MODEL = FixtureTest.fixtures().resolve("resnet_basic.onnx");

    private static OnnxModel model(Path cache) {
        return OnnxModel.load(MODEL, Map.of("executionProvider", "cpu", "intraOpThreads", "1",
                "compileCache", cache.toString()));
    }

    private static FloatTensor images(int n) {
        Random r = new Random(5);
        float[] v = new float[n * 3 * 32 * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return FloatTensor.of(Shape.of(n, 3, 32, 32), v);
    }

    private static PassRequest gradCam(FloatTensor x, OnnxModel m) {
        return PassRequest.builder(x).tap(m.resolveLayer("auto").name()).seed(new Seed.TopClass()).build();
    }

    private static long entries(Path dir, String suffix) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).count();
        }
    }

    @Test
    void aLaterModelInstanceLoadsTheOptimisedGraphAndComputesTheSameResults(@TempDir Path cache) throws IOException {
        FloatTensor x = images(2);
        PassResult first;
        try (OnnxModel m = model(cache)) {
            first = m.run(gradCam(x, m));
            assertEquals(0, m.compileCache().hits());
            assertEquals(1, m.compileCache().writes());
        }
        assertEquals(1, entries(cache, ".onnx"));
        assertEquals(1, entries(cache, ".data"), "the initializers, beside the graph");
        assertEquals(1, entries(cache, ".properties"));
        assertEquals(0, countTemporary(cache), "no temporary files are left behind");
        // Reference: the same pass without any cache.
        PassResult plain;
        try (OnnxModel m = OnnxModel.load(MODEL, Map.of("executionProvider", "cpu", "intraOpThreads", "1"))) {
            plain = m.run(gradCam(x, m));
        }
        try (OnnxModel m = model(cache)) {
            PassResult again = m.run(gradCam(x, m));
            assertEquals(1, m.compileCache().hits(), "the second instance must not compile again");
            assertEquals(0, m.compileCache().writes());
            String tap = m.resolveLayer("auto").name();
            for (PassResult r : List.of(first, again)) {
                assertEquals(plain.output(), r.output());
                assertEquals(plain.activation(tap), r.activation(tap));
                assertEquals(plain.gradient(tap), r.gradient(tap));
                assertEquals(plain.seed().orElseThrow(), r.seed().orElseThrow());
            }
        }
    }

    @Test
    void entriesWithTheirInputsOnlyAsAModelStillLoad(@TempDir Path cache) throws IOException {
        FloatTensor x = images(1);
        FloatTensor first;
        try (OnnxModel m = model(cache)) {
            first = outputOf(m, x);
        }
        // An entry as gradcam wrote it before the inputs were also kept in plain text (read without protobuf).
        Path props;
        try (Stream<Path> s = Files.list(cache)) {
            props = s.filter(p -> p.toString().endsWith(".properties")).findFirst().orElseThrow();
        }
        List<String> lines = Files.readAllLines(props);
        List<String> older = lines.stream().filter(l -> !l.startsWith("feed")).toList();
        assertTrue(older.size() < lines.size() && older.stream().anyMatch(l -> l.startsWith("inputs=")));
        Files.write(props, older);
        for (String preload : List.of("0", "1")) {
            try (OnnxModel m = model(MODEL, cache, preload)) {
                assertEquals(first, outputOf(m, x));
                assertEquals(1, m.compileCache().hits(), "preload " + preload);
                assertEquals(0, m.compileCache().writes());
            }
        }
    }

    @Test
    void everyVariantIsAnEntryOfItsOwnAndBatchSizesShareOne(@TempDir Path cache) throws IOException {
        try (OnnxModel m = model(cache)) {
            m.run(gradCam(images(1), m));
            m.run(gradCam(images(3), m));
            m.run(PassRequest.builder(images(1)).inputGradient(true).seed(new Seed.TopClass()).build());
            assertEquals(2, m.compileCache().writes(), "one batch-symbolic entry per variant");
        }
        assertEquals(2, entries(cache, ".properties"));
    }

    @Test
    void withOneVariantPerBatchSizeEveryInputShapeIsAnEntryOfItsOwn(@TempDir Path cache) throws IOException {
        try (OnnxModel m = OnnxModel.load(MODEL, Map.of("executionProvider", "cpu", "intraOpThreads", "1",
                "compileCache", cache.toString(), "batchSymbolic", "false"))) {
            m.run(gradCam(images(1), m));
            m.run(gradCam(images(3), m));
            m.run(PassRequest.builder(images(1)).inputGradient(true).seed(new Seed.TopClass()).build());
            assertEquals(3, m.compileCache().writes());
        }
        assertEquals(3, entries(cache, ".properties"));
    }

    @Test
    void secondOrderVariantsKeepTheirHessianProductsThroughTheCache(@TempDir Path cache) {
        FloatTensor x = images(1);
        PassResult first;
        String tap;
        try (OnnxModel m = model(cache)) {
            tap = m.resolveLayer("auto").name();
            first = m.run(gradCam(x, m).toBuilder().hessianProducts(true).build());
            assertEquals(1, m.compileCache().writes());
        }
        try (OnnxModel m = model(cache)) {
            PassResult again = m.run(gradCam(x, m).toBuilder().hessianProducts(true).build());
            assertEquals(1, m.compileCache().hits(), "loaded, not compiled again");
            assertEquals(first.hessianProducts().get(tap), again.hessianProducts().get(tap));
            assertEquals(first.gradient(tap), again.gradient(tap));
        }
    }

    @Test
    void aDamagedEntryIsRebuiltNotTrusted(@TempDir Path cache) throws IOException {
        FloatTensor x = images(1);
        PassResult good;
        try (OnnxModel m = model(cache)) {
            good = m.run(gradCam(x, m));
        }
        Path onnx;
        try (Stream<Path> s = Files.list(cache)) {
            onnx = s.filter(p -> p.toString().endsWith(".onnx")).findFirst().orElseThrow();
        }
        Files.write(onnx, new byte[] {1, 2, 3});
        try (OnnxModel m = model(cache)) {
            PassResult r = m.run(gradCam(x, m));
            assertEquals(good.output(), r.output());
            assertEquals(0, m.compileCache().hits());
            assertEquals(1, m.compileCache().writes(), "the damaged entry is replaced");
        }
        assertTrue(Files.size(onnx) > 3);
    }

    @Test
    void aTruncatedInitializerFileIsRebuiltNotTrusted(@TempDir Path cache) throws IOException {
        FloatTensor x = images(1);
        PassResult good;
        try (OnnxModel m = model(cache)) {
            good = m.run(gradCam(x, m));
        }
        Path data;
        try (Stream<Path> s = Files.list(cache)) {
            data = s.filter(p -> p.toString().endsWith(".data")).findFirst().orElseThrow();
        }
        Files.write(data, new byte[] {1, 2, 3});
        try (OnnxModel m = model(cache)) {
            PassResult r = m.run(gradCam(x, m));
            assertEquals(good.output(), r.output());
            assertEquals(0, m.compileCache().hits());
            assertEquals(1, m.compileCache().writes(), "the damaged entry is replaced");
        }
        assertFalse(Files.exists(data), "the damaged entry's files are deleted");
        assertEquals(1, entries(cache, ".data"));
    }

    @Test
    void concurrentFirstUsesOfTheSameVariantLeaveOneValidEntry(@TempDir Path cache) throws Exception {
        FloatTensor x = images(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<FloatTensor>> outs = List.of(pool.submit(() -> runOnce(cache, x)),
                    pool.submit(() -> runOnce(cache, x)));
            assertEquals(outs.get(0).get(), outs.get(1).get());
        } finally {
            pool.shutdown();
        }
        assertEquals(1, entries(cache, ".properties"));
        assertEquals(0, countTemporary(cache));
        try (OnnxModel m = model(cache)) {
            m.run(gradCam(x, m));
            assertEquals(1, m.compileCache().hits());
        }
    }

    private static FloatTensor runOnce(Path cache, FloatTensor x) {
        try (OnnxModel m = model(cache)) {
            return m.run(gradCam(x, m)).output();
        }
    }

    @Test
    void theSizeBoundEvictsTheLeastRecentlyUsedEntries(@TempDir Path cache) throws IOException {
        CompileCache c = new CompileCache(cache, 2500);
        for (int i = 0; i < 3; i++) {
            Files.write(cache.resolve("k" + i + ".onnx"), new byte[1000]);
            Path props = cache.resolve("k" + i + ".properties");
            Files.writeString(props, "input=x\n");
            Files.setLastModifiedTime(props, FileTime.fromMillis(1_000_000L * (i + 1)));
        }
        // k0 is the oldest; using k0 (a later timestamp) makes k1 the least recently used one.
        Files.setLastModifiedTime(cache.resolve("k0.properties"), FileTime.fromMillis(9_000_000L));
        c.evict();
        assertFalse(Files.exists(cache.resolve("k1.onnx")));
        assertFalse(Files.exists(cache.resolve("k1.properties")));
        assertTrue(Files.exists(cache.resolve("k0.onnx")));
        assertTrue(Files.exists(cache.resolve("k2.onnx")));
    }

    @Test
    void evictionAlsoPrunesModelNotesNotWrittenForAMonth(@TempDir Path cache) throws IOException {
        CompileCache c = new CompileCache(cache, 1 << 20);
        Path models = Files.createDirectories(cache.resolve("models"));
        Path old = Files.writeString(models.resolve("a.sha256"), "00");
        Path recent = Files.writeString(models.resolve("b.recent"), "k\n");
        Files.setLastModifiedTime(old, FileTime.fromMillis(System.currentTimeMillis()
                - (CompileCache.NOTE_DAYS + 1) * 24L * 3600 * 1000));
        c.evict();
        assertFalse(Files.exists(old));
        assertTrue(Files.exists(recent));
    }

    @Test
    void theKeyCoversTheModelTheVariantAndTheSettings() {
        byte[] a = {1, 2};
        byte[] b = {1, 3};
        String k = CompileCache.key(a, List.of("spec", "[1, 3, 32, 32]", "CPU"));
        assertEquals(k, CompileCache.key(a.clone(), List.of("spec", "[1, 3, 32, 32]", "CPU")));
        assertNotEquals(k, CompileCache.key(b, List.of("spec", "[1, 3, 32, 32]", "CPU")));
        assertNotEquals(k, CompileCache.key(a, List.of("spec", "[2, 3, 32, 32]", "CPU")));
        assertNotEquals(k, CompileCache.key(a, List.of("spec", "[1, 3, 32, 32]", "CUDA")));
        // Parts are separated: moving a character across a boundary is another key.
        assertNotEquals(CompileCache.key(a, List.of("ab", "c")), CompileCache.key(a, List.of("a", "bc")));
    }

    private static OnnxModel model(Path file, Path cache, String preload) {
        return OnnxModel.load(file, Map.of("executionProvider", "cpu", "intraOpThreads", "1",
                "compileCache", cache.toString(), "compileCachePreload", preload));
    }

    private static FloatTensor outputOf(OnnxModel m, FloatTensor x) {
        return m.run(gradCam(x, m)).output();
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aModelRewrittenInPlaceWithTheSameSizeAndModificationTimeNeverGetsAStaleEntry(@TempDir Path dir)
            throws Exception {
        Path file = dir.resolve("model.onnx");
        Path cache = dir.resolve("cache");
        Files.copy(MODEL, file);
        ModelFileChanges.waitUntilOlderThan(file, 2100); // digests of files changed in the last 2 s are not remembered
        FloatTensor x = images(1);
        FloatTensor before;
        try (OnnxModel m = model(file, cache, "1")) {
            before = outputOf(m, x);
            assertEquals(1, m.compileCache().writes());
        }
        assertEquals(1, entries(cache.resolve("models"), ".sha256"), "the digest is remembered under the identity");
        try (OnnxModel m = model(file, cache, "1")) {
            assertEquals(before, outputOf(m, x));
            assertEquals(1, m.compileCache().hits(), "unchanged: the entry (and the remembered digest) are used");
        }
        FileTime mtime = Files.getLastModifiedTime(file);
        byte[] changed = ModelFileChanges.withNegatedInitializer(file);
        assertEquals(Files.size(file), changed.length);
        Files.write(file, changed); // same inode, same size
        Files.setLastModifiedTime(file, mtime);
        FloatTensor plain;
        try (OnnxModel m = OnnxModel.load(file, Map.of("executionProvider", "cpu", "intraOpThreads", "1"))) {
            plain = outputOf(m, x);
        }
        assertNotEquals(before, plain, "the rewrite changes the model's outputs");
        try (OnnxModel m = model(file, cache, "1")) {
            assertEquals(plain, outputOf(m, x), "reference: the rewritten model without any cache");
            assertEquals(0, m.compileCache().hits(), "the old entry must not be used");
            assertEquals(0, m.compileCache().preloadedHits());
            assertEquals(1, m.compileCache().writes());
        }
    }

    @Test
    void aFreshlyWrittenModelFileGetsNoRememberedDigest(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("model.onnx");
        Files.copy(MODEL, file);
        Path cache = dir.resolve("cache");
        try (OnnxModel m = model(file, cache, "1")) {
            outputOf(m, images(1));
        }
        assertFalse(Files.exists(cache.resolve("models")) && entries(cache.resolve("models"), ".sha256") > 0,
                "a second write within the timestamp granularity could keep the identity: not remembered");
        // With no racy window the same file is remembered, under an identity that the rewrite changes.
        CompileCache c = new CompileCache(cache, 1 << 30, 0);
        FileStamp stamp = FileStamp.of(file);
        ModelProto model = OnnxModelReader.read(file);
        assertTrue(stamp.changeTimed(), "Unix file systems give a status-change time");
        assertEquals(HexFormat.of().formatHex(CompileCache.digest(model)),
                HexFormat.of().formatHex(c.modelDigest(stamp, model)));
        assertEquals(1, entries(cache.resolve("models"), ".sha256"));
        Files.write(file, ModelFileChanges.withNegatedInitializer(file));
        assertNotEquals(stamp, FileStamp.of(file));
    }

    @Test
    void theNextInstanceGetsItsFirstVariantPreloadedWhileTheModelIsRead(@TempDir Path dir) throws IOException {
        Path cache = dir.resolve("cache");
        FloatTensor x = images(2);
        FloatTensor first;
        try (OnnxModel m = model(MODEL, cache, "1")) {
            first = outputOf(m, x);
            m.run(PassRequest.builder(images(1)).inputGradient(true).seed(new Seed.TopClass()).build());
            assertEquals(0, m.compileCache().preloadedHits());
        }
        assertEquals(1, entries(cache.resolve("models"), ".recent"));
        try (OnnxModel m = model(MODEL, cache, "1")) {
            assertEquals(first, outputOf(m, x));
            assertEquals(1, m.compileCache().preloadedHits(), "the first variant was loaded in the background");
            m.run(PassRequest.builder(images(1)).inputGradient(true).seed(new Seed.TopClass()).build());
            assertEquals(2, m.compileCache().hits());
            assertEquals(1, m.compileCache().preloadedHits(), "only the first variant is preloaded by default");
        }
        try (OnnxModel m = model(MODEL, cache, "0")) {
            assertEquals(first, outputOf(m, x));
            assertEquals(1, m.compileCache().hits());
            assertEquals(0, m.compileCache().preloadedHits(), "compileCachePreload=0 turns it off");
        }
    }

    @Test
    void preloadFollowsTheLastInstancesFirstVariantsAndClosesThoseNoPassAsksFor(@TempDir Path dir) {
        Path cache = dir.resolve("cache");
        PassRequest inputGradient = PassRequest.builder(images(1)).inputGradient(true).seed(new Seed.TopClass())
                .build();
        try (OnnxModel m = model(MODEL, cache, "2")) {
            outputOf(m, images(1));
            m.run(inputGradient);
        }
        try (OnnxModel m = model(MODEL, cache, "2")) {
            m.run(inputGradient);
            outputOf(m, images(3));
            assertEquals(2, m.compileCache().preloadedHits(), "both recorded variants, in either order");
        }
        OnnxModel m = model(MODEL, cache, "2");
        PassRequest guided;
        try (m) {
            guided = gradCam(images(1), m).toBuilder().mode(GradientMode.GUIDED).build();
            m.run(guided);
            assertEquals(0, m.compileCache().preloadedHits(), "the two preloaded variants are not this pass's");
            assertEquals(0, m.compileCache().hits());
        }
        m.close(); // idempotent; the unused preloaded sessions were closed by the first close
        assertTrue(m.isClosed());
        try (OnnxModel again = model(MODEL, cache, "1")) {
            again.run(guided);
            assertEquals(1, again.compileCache().preloadedHits(), "the last instance's first variant");
        }
    }

    private static long countTemporary(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().contains(".tmp-")).count();
        }
    }
}
