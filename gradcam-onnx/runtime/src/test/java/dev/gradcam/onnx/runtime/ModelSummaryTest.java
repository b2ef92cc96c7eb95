package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The warm start: a model whose summary the compile cache holds is not read, parsed or analysed until something
 * needs its graph, gives what a cold load gives, and a changed file or a damaged summary never serves a stale one.
 * The reference for every result is the same model loaded cold (or without any cache).
 */
class ModelSummaryTest {

    /** Checked out with the sources: older than the 2 s within which a changed file's facts are not remembered. */
    private static final Path MODEL = FixtureTest.fixtures().resolve("resnet_basic.onnx");

    /** A seed of ones, whatever the explained output's shape (here a layer's [N, C, H, W]). */
    private static final Seed ONES = new Seed.OfShape(s -> FloatTensor.of(s, filled(s.size())));

    private static float[] filled(int n) {
        float[] v = new float[n];
        Arrays.fill(v, 1f);
        return v;
    }

    private static OnnxModel model(Path file, Path cache) {
        return OnnxModel.load(file, Map.of("executionProvider", "cpu", "intraOpThreads", "1",
                "compileCache", cache.toString()));
    }

    private static FloatTensor images(int n) {
        Random r = new Random(11);
        float[] v = new float[n * 3 * 32 * 32];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return FloatTensor.of(Shape.of(n, 3, 32, 32), v);
    }

    private static PassResult gradCam(OnnxModel m, FloatTensor x) {
        return m.run(PassRequest.builder(x).tap(m.resolveLayer("auto").name()).seed(new Seed.TopClass()).build());
    }

    private static List<Path> summaries(Path cache) throws IOException {
        Path models = cache.resolve("models");
        if (!Files.isDirectory(models)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(models)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".summary")).toList();
        }
    }

    private static List<LayerLayout> layouts(OnnxModel m) {
        List<LayerLayout> out = new ArrayList<>();
        for (LayerInfo l : m.layers()) {
            out.add(m.layoutOf(l));
        }
        return out;
    }

    @Test
    void aWarmStartReadsNoModelAndGivesWhatAColdLoadGives(@TempDir Path cache) throws IOException {
        FloatTensor one = images(1);
        FloatTensor two = images(2);
        PassResult coldOne;
        PassResult coldTwo;
        List<LayerLayout> coldLayouts;
        try (OnnxModel cold = model(MODEL, cache)) {
            assertEquals(1, cold.modelReads());
            coldOne = gradCam(cold, one);
            coldTwo = gradCam(cold, two);
            coldLayouts = layouts(cold);
            try (OnnxModel warm = model(MODEL, cache)) {
                assertEquals(0, warm.modelReads(), "the summary stands in for the model");
                assertEquals(cold.inputs(), warm.inputs());
                assertEquals(cold.outputs(), warm.outputs());
                assertEquals(cold.layers(), warm.layers());
                assertEquals(cold.capabilities(), warm.capabilities());
                assertEquals(cold.provenance(), warm.provenance());
                assertEquals(coldLayouts, layouts(warm));
                assertEquals(cold.resolveLayer("auto"), warm.resolveLayer("auto"));
                assertEquals(0, warm.modelReads(), "nothing so far needed the graph");
            }
        }
        assertEquals(1, summaries(cache).size());
        try (OnnxModel warm = model(MODEL, cache)) {
            PassResult r = gradCam(warm, one);
            assertEquals(0, warm.modelReads(), "a pass at a known input shape from the compile cache reads no model");
            assertEquals(1, warm.compileCache().hits());
            assertEquals(0, warm.compileCache().writes());
            assertEquals(coldOne.output(), r.output());
            assertEquals(coldOne.activations(), r.activations());
            assertEquals(coldOne.gradients(), r.gradients());
            assertEquals(coldOne.seed(), r.seed());
            PassResult r2 = gradCam(warm, two);
            assertEquals(coldTwo.output(), r2.output());
            assertEquals(coldTwo.gradients(), r2.gradients());
            assertEquals(0, warm.compileCache().writes(), "batch 2 shares the batch-symbolic entry");
        }
        // FullGrad's bias values come from the graph: read when first needed, the same as a cold load's.
        PassRequest fullGrad = PassRequest.builder(one).tap(coldLayerName()).biasGradients(true)
                .seed(new Seed.TopClass()).build();
        PassResult coldBias;
        try (OnnxModel plain = OnnxModel.load(MODEL, Map.of("executionProvider", "cpu", "intraOpThreads", "1"))) {
            coldBias = plain.run(fullGrad);
        }
        try (OnnxModel warm = model(MODEL, cache)) {
            assertEquals(0, warm.modelReads());
            PassResult r = warm.run(fullGrad);
            assertEquals(1, warm.modelReads(), "the bias values need the graph");
            assertEquals(coldBias.biasGradients(), r.biasGradients());
            assertEquals(coldBias.output(), r.output());
        }
    }

    private static String coldLayerName() {
        try (OnnxModel m = OnnxModel.load(MODEL, Map.of("executionProvider", "cpu"))) {
            return m.resolveLayer("auto").name();
        }
    }

    @Test
    void aNewInputShapeReadsTheModelOnceAndIsRememberedForTheNextStart(@TempDir Path cache) {
        try (OnnxModel cold = model(MODEL, cache)) {
            gradCam(cold, images(1));
        }
        // Batches 2 and 3 were inferred too, to compile the batch-symbolic variant: 5 is new.
        FloatTensor five = images(5);
        PassResult reference;
        try (OnnxModel plain = OnnxModel.load(MODEL, Map.of("executionProvider", "cpu", "intraOpThreads", "1"))) {
            reference = gradCam(plain, five);
        }
        try (OnnxModel warm = model(MODEL, cache)) {
            PassResult r = gradCam(warm, five);
            assertEquals(1, warm.modelReads(), "shape inference at batch 5 needs the graph");
            assertEquals(reference.output(), r.output());
            assertEquals(reference.gradients(), r.gradients());
        }
        try (OnnxModel warm = model(MODEL, cache)) {
            gradCam(warm, five);
            assertEquals(0, warm.modelReads(), "batch 5 is in the summary now");
        }
    }

    @Test
    void whatNeedsTheGraphOnAWarmStartReadsItOnceAndGivesTheColdResults(@TempDir Path cache) {
        FloatTensor x = images(2);
        String layer;
        FloatTensor acts;
        FloatTensor coldHead;
        PassResult coldLayerOutput;
        try (OnnxModel cold = model(MODEL, cache)) {
            gradCam(cold, images(1));
            layer = cold.resolveLayer("auto").name();
            acts = gradCam(cold, x).activation(layer);
            coldHead = cold.runHead(layer, acts, null);
            coldLayerOutput = cold.run(PassRequest.builder(x).output(layer).tap(layer).seed(ONES)
                    .build());
        }
        try (OnnxModel warm = model(MODEL, cache)) {
            assertEquals(coldHead, warm.runHead(layer, acts, null), "a head compiles from the graph");
            assertEquals(1, warm.modelReads());
            PassResult r = warm.run(PassRequest.builder(x).output(layer).tap(layer).seed(ONES)
                    .build());
            assertEquals(coldLayerOutput.output(), r.output(), "a layer as the explained output");
            assertEquals(coldLayerOutput.gradients(), r.gradients());
            assertEquals(1, warm.modelReads(), "read once");
        }
    }

    @Test
    void aDamagedOrTruncatedSummaryIsIgnoredAndRebuilt(@TempDir Path cache) throws IOException {
        PassResult cold;
        try (OnnxModel m = model(MODEL, cache)) {
            cold = gradCam(m, images(1));
        }
        Path summary = summaries(cache).get(0);
        byte[] good = Files.readAllBytes(summary);
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x10;
        for (byte[] damaged : List.of(flipped, Arrays.copyOf(good, good.length / 3), new byte[0])) {
            Files.write(summary, damaged);
            try (OnnxModel m = model(MODEL, cache)) {
                assertEquals(1, m.modelReads(), "a damaged summary is not used");
                assertEquals(cold.output(), gradCam(m, images(1)).output());
            }
            try (OnnxModel m = model(MODEL, cache)) {
                assertEquals(0, m.modelReads(), "it was rebuilt");
            }
        }
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aTouchedOrRewrittenModelFileIsReadAgainNeverServedTheOldSummary(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("model.onnx");
        Path cache = dir.resolve("cache");
        Files.copy(MODEL, file);
        FloatTensor x = images(1);
        try (OnnxModel m = model(file, cache)) {
            gradCam(m, x);
        }
        assertEquals(List.of(), summaries(cache), "a file changed in the last 2 s gets no summary");
        ModelFileChanges.waitUntilOlderThan(file, 2100);
        try (OnnxModel m = model(file, cache)) {
            gradCam(m, x);
            assertEquals(1, m.modelReads());
        }
        try (OnnxModel m = model(file, cache)) {
            assertEquals(0, m.modelReads());
        }
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() - 60_000)); // touched
        try (OnnxModel m = model(file, cache)) {
            assertEquals(1, m.modelReads(), "another identity: read, checked and analysed again");
        }
        FileTime mtime = Files.getLastModifiedTime(file);
        byte[] changed = ModelFileChanges.withNegatedInitializer(file);
        assertEquals(Files.size(file), changed.length);
        Files.write(file, changed); // same inode, same size, old modification time restored
        Files.setLastModifiedTime(file, mtime);
        PassResult plain;
        try (OnnxModel m = OnnxModel.load(file, Map.of("executionProvider", "cpu", "intraOpThreads", "1"))) {
            plain = gradCam(m, x);
        }
        try (OnnxModel m = model(file, cache)) {
            assertEquals(1, m.modelReads(), "the status-change time moved: never the old summary");
            assertEquals(plain.output(), gradCam(m, x).output());
        }
    }

    /**
     * A copy of the fixture in {@code dir}, old enough for its summary to be kept, loaded and run once so that
     * {@code cache} holds its summary.
     */
    private static Path summarisedCopy(Path dir, Path cache) throws Exception {
        Path file = dir.resolve("model.onnx");
        Files.copy(MODEL, file);
        ModelFileChanges.waitUntilOlderThan(file, 2100);
        try (OnnxModel m = model(file, cache)) {
            gradCam(m, images(1));
        }
        return file;
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aModelFileReplacedByAnInvalidOneFailsAsAColdLoadDoes(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Path file = summarisedCopy(dir, cache);
        assertEquals(1, summaries(cache).size());
        byte[] valid = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(valid, valid.length / 2)); // truncated: not a model any more
        Class<? extends Throwable> cold = assertThrows(ModelLoadException.class,
                () -> OnnxModel.load(file, Map.of("executionProvider", "cpu"))).getClass();
        assertEquals(cold, assertThrows(ModelLoadException.class, () -> model(file, cache)).getClass(),
                "the summary of the valid file is not used for the changed one");
    }

    @Test
    @EnabledOnOs({OS.LINUX, OS.MAC})
    void aFileChangedAfterAWarmStartFailsClearlyWhenTheGraphIsFirstNeeded(@TempDir Path dir) throws Exception {
        Path cache = dir.resolve("cache");
        Path file = summarisedCopy(dir, cache);
        try (OnnxModel m = model(file, cache)) {
            assertEquals(0, m.modelReads());
            Files.write(file, ModelFileChanges.withNegatedInitializer(file));
            ModelLoadException e = assertThrows(ModelLoadException.class, () -> gradCam(m, images(5)));
            assertTrue(e.getMessage().contains("changed"), e.getMessage());
            assertEquals(0, m.modelReads(), "the changed file was not used");
        }
    }

    @Test
    void concurrentColdLoadsLeaveOneValidSummary(@TempDir Path cache) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<FloatTensor>> runs = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                runs.add(pool.submit(() -> {
                    try (OnnxModel m = model(MODEL, cache)) {
                        return gradCam(m, images(1)).output();
                    }
                }));
            }
            FloatTensor first = runs.get(0).get();
            for (Future<FloatTensor> f : runs) {
                assertEquals(first, f.get());
            }
        } finally {
            pool.shutdown();
        }
        assertEquals(1, summaries(cache).size());
        try (OnnxModel m = model(MODEL, cache)) {
            assertEquals(0, m.modelReads());
        }
        try (Stream<Path> s = Files.list(cache.resolve("models"))) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains(".tmp-")), "no temporary file is left");
        }
    }

    @Test
    void theStoredFormRoundTripsAndBelongsToOneFileIdentity(@TempDir Path cache) throws IOException {
        try (OnnxModel m = model(MODEL, cache)) {
            gradCam(m, images(1));
        }
        FileStamp stamp = FileStamp.of(MODEL);
        ModelSummary s = new CompileCache(cache, 1 << 30).summary(stamp);
        assertNotNull(s);
        assertEquals(List.of(Shape.of(1, 10)), s.staticShapes().get(List.of(4L, 1L, 3L, 32L, 32L)),
                "the input shape the pass used, with its output shape");
        byte[] stored = s.encode(stamp.id());
        assertEquals(s, ModelSummary.decode(stored, stamp.id()));
        assertNull(ModelSummary.decode(stored, "another-file"), "kept under one file identity only");
        assertNotEquals(s, s.withStaticShapes(List.of(4L, 7L, 3L, 32L, 32L), List.of(Shape.of(7, 10))));
    }
}
