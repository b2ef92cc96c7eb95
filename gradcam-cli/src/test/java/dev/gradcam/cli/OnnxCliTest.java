package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Models;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.method.AugSmoothing;
import dev.gradcam.api.method.Compatibility;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ArrayList;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tool end to end on a small ONNX ResNet with the ONNX Runtime backend, and the embedded demo. */
class OnnxCliTest {

    /** Read-only copies of the test resources, made once for the class. */
    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    private static Path model;
    private static Path input;

    @BeforeAll
    static void copyFixtures() throws IOException {
        model = CliFixtures.copy(fixtures, "resnet_basic.onnx");
        input = CliFixtures.copy(fixtures, "resnet_basic_input.npy");
    }

    @Test
    void layersListsTheResNet() {
        CliRun r = CliRun.of("layers", "--model", model.toString(), "--feature-maps");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("/layer1/layer1.1/relu_1/Relu_output_0"), r::toString);
        assertTrue(r.out().contains("backend: onnx"), r::toString);
    }

    @Test
    void explainNpyWritesEveryOutput() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--layer",
                "layer2", "--method", "grad-cam", "--target", "3", "--selector", "top-k:4", "--out", out.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        FloatTensor raw = Npy.read(out.resolve("raw.npy"));
        FloatTensor heat = Npy.read(out.resolve("heatmap.npy"));
        assertEquals(2, raw.shape().intDim(0));
        assertEquals(3, raw.shape().rank());
        assertEquals(Shape.of(2, 32, 32), heat.shape());
        assertTrue(raw.allFinite() && heat.allFinite());
        for (String f : new String[] {"resnet_basic_input-0.overlay.png", "resnet_basic_input-1.heatmap.png",
            "summary.json"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"backend\": \"onnx\""), summary);
        assertTrue(summary.contains("\"class\": 3"), summary);
        assertTrue(summary.contains("\"selectedChannels\": 4"), summary);
    }

    @Test
    void aSecondRunReusesTheCompiledVariantsAndGivesTheSameMaps() throws IOException {
        Path cache = dir.resolve("cache");
        String[] args = {"explain", "--model", model.toString(), "--input", input.toString(), "--layer", "layer2",
            "--method", "grad-cam", "--compile-cache", cache.toString(), "--quiet", "--out", ""};
        args[args.length - 1] = dir.resolve("first").toString();
        assertEquals(ExitCodes.OK, CliRun.of(args).code());
        long entries;
        try (Stream<Path> s = Files.list(cache)) {
            entries = s.filter(p -> p.toString().endsWith(".properties")).count();
        }
        assertTrue(entries >= 1, "the first run fills the cache");
        args[args.length - 1] = dir.resolve("second").toString();
        CliRun second = CliRun.of(args);
        assertEquals(ExitCodes.OK, second.code(), second::toString);
        try (Stream<Path> s = Files.list(cache)) {
            assertEquals(entries, s.filter(p -> p.toString().endsWith(".properties")).count(),
                    "the second run adds no entry: it reuses the first run's");
        }
        assertEquals(Npy.read(dir.resolve("first").resolve("raw.npy")), Npy.read(dir.resolve("second")
                .resolve("raw.npy")));
        args[args.length - 4] = "off"; // --compile-cache off
        args[args.length - 1] = dir.resolve("third").toString();
        CliRun off = CliRun.of(args);
        assertEquals(ExitCodes.OK, off.code(), off::toString);
    }

    @Test
    void aWarmRunStartsFromTheModelSummaryAndWritesTheSameMaps() throws Exception {
        // Facts about a file changed in the last 2 s are not remembered: let the copy age past that.
        long changed = Math.max(Files.getLastModifiedTime(model).toMillis(),
                ((java.nio.file.attribute.FileTime) Files.getAttribute(model, "unix:ctime")).toMillis());
        Thread.sleep(Math.max(0, changed + 2100 - System.currentTimeMillis()));
        Path cache = dir.resolve("cache");
        String[] args = {"explain", "--model", model.toString(), "--input", input.toString(), "--layer", "layer2",
            "--method", "grad-cam", "--compile-cache", cache.toString(), "--quiet", "--out", ""};
        args[args.length - 1] = dir.resolve("cold").toString();
        assertEquals(ExitCodes.OK, CliRun.of(args).code());
        try (Stream<Path> s = Files.list(cache.resolve("models"))) {
            assertEquals(1, s.filter(p -> p.toString().endsWith(".summary")).count(),
                    "the first run keeps the model's summary for the next");
        }
        args[args.length - 1] = dir.resolve("warm").toString();
        CliRun warm = CliRun.of(args);
        assertEquals(ExitCodes.OK, warm.code(), warm::toString);
        for (String f : new String[] {"raw.npy", "heatmap.npy"}) {
            assertEquals(Npy.read(dir.resolve("cold").resolve(f)), Npy.read(dir.resolve("warm").resolve(f)), f);
        }
    }

    @Test
    void theCompileCacheFolderFollowsTheFlagTheEnvironmentAndTheXdgConvention() {
        assertEquals(Path.of("/x"), ModelOptions.compileCacheDir("/x", Map.of("GRADCAM_CACHE_DIR", "/y"), "/h"));
        assertEquals(null, ModelOptions.compileCacheDir("off", Map.of(), "/h"));
        assertEquals(Path.of("/y"), ModelOptions.compileCacheDir(null, Map.of("GRADCAM_CACHE_DIR", "/y"), "/h"));
        assertEquals(null, ModelOptions.compileCacheDir(null, Map.of("GRADCAM_CACHE_DIR", "off"), "/h"));
        assertEquals(Path.of("/c/gradcam/onnx"), ModelOptions.compileCacheDir(null, Map.of("XDG_CACHE_HOME", "/c"),
                "/h"));
        assertEquals(Path.of("/h/.cache/gradcam/onnx"), ModelOptions.compileCacheDir(null, Map.of(), "/h"));
    }

    @Test
    void theToolTurnsOnnxRuntimeSpinningOffUnlessTheUserSetsIt() {
        assertEquals(Map.of("compileCache", Path.of("/c").toString(), "allowSpinning", "false"),
                ModelOptions.onnxOptions(Map.of(), Path.of("/c"), 1, 8));
        assertEquals(Map.of("allowSpinning", "true", "intraOpThreads", "1"),
                ModelOptions.onnxOptions(Map.of("allowSpinning", "true", "intraOpThreads", "1"), null, 1, 8));
        assertEquals("/mine", ModelOptions.onnxOptions(Map.of("compileCache", "/mine"), Path.of("/c"), 1, 8)
                .get("compileCache"));
    }

    @Test
    void severalWorkersShareTheCoresWithOnnxRuntimesThreads() {
        // One worker: ONNX Runtime's own choice (all cores). Two on two cores: one thread each; on eight: a pool of
        // six threads beside the two callers. The user's setting wins.
        assertEquals(null, ModelOptions.onnxOptions(Map.of(), null, 1, 2).get("intraOpThreads"));
        assertEquals("1", ModelOptions.onnxOptions(Map.of(), null, 2, 2).get("intraOpThreads"));
        assertEquals("7", ModelOptions.onnxOptions(Map.of(), null, 2, 8).get("intraOpThreads"));
        assertEquals("1", ModelOptions.onnxOptions(Map.of(), null, 4, 1).get("intraOpThreads"));
        assertEquals("3", ModelOptions.onnxOptions(Map.of("intraOpThreads", "3"), null, 2, 2).get("intraOpThreads"));
    }

    @Test
    void twoWorkersWriteWhatOneWritesInTheSameOrder() throws IOException {
        // Batches of one image, so the two images are explained by different workers; one ONNX Runtime thread in
        // both runs, so that only the pipeline differs.
        for (int workers : new int[] {1, 2}) {
            Path out = dir.resolve("workers" + workers);
            CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--layer",
                    "layer2", "--batch-size", "1", "--workers", String.valueOf(workers), "--backend-option",
                    "intraOpThreads=1", "--quiet", "--out", out.toString());
            assertEquals(ExitCodes.OK, r.code(), r::toString);
            assertTrue(Files.readString(out.resolve("summary.json")).contains("\"workers\": " + workers));
        }
        for (String array : new String[] {"raw.npy", "heatmap.npy"}) {
            assertEquals(Npy.read(dir.resolve("workers1").resolve(array)),
                    Npy.read(dir.resolve("workers2").resolve(array)), array);
        }
        CliRun bad = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--workers", "0",
                "--out", dir.resolve("bad").toString());
        assertEquals(ExitCodes.USAGE, bad.code(), bad::toString);
        assertTrue(bad.err().contains("--workers must be at least 1"), bad::toString);
    }

    @Test
    void integratedGradientsWritesAttributionsAndCompleteness() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--method",
                "integrated-gradients", "--steps", "32", "--target", "3", "--out", out.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("integrated-gradients on onnx"), r::toString);
        assertTrue(r.out().contains("completeness: attributions miss f(input) - f(baseline) by at most"),
                r::toString);
        FloatTensor a = Npy.read(out.resolve("attribution.npy"));
        FloatTensor heat = Npy.read(out.resolve("heatmap.npy"));
        assertEquals(Shape.of(2, 3, 32, 32), a.shape());
        assertEquals(Shape.of(2, 32, 32), heat.shape());
        assertTrue(a.allFinite() && a.norm() > 0);
        assertTrue(heat.min() >= 0 && heat.max() <= 1);
        for (String f : new String[] {"resnet_basic_input-0.color.png", "resnet_basic_input-0.grayscale.png",
            "resnet_basic_input-1.positive.png", "resnet_basic_input-1.negative.png"}) {
            assertTrue(Files.size(out.resolve(f)) > 0, f);
        }
        String summary = Files.readString(out.resolve("summary.json"));
        for (String s : new String[] {"\"method\": \"integrated-gradients\"", "\"steps\": 32",
            "\"backend\": \"onnx\"", "\"executionProvider\"", "\"class\": 3", "\"score\"",
            "\"completeness\"", "\"relativeError\"", "\"maxCompletenessRelativeError\"", "\"attributeMs\"",
            "\"shape\": [2, 3, 32, 32]"}) {
            assertTrue(summary.contains(s), () -> "missing " + s + " in " + summary);
        }
    }

    @Test
    void guidedGradCamOnAnImageReadsTheLayer() throws IOException {
        Path image = GradcamCliTest.image(dir.resolve("picture.png"), 40, 30);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", image.toString(), "--method",
                "guided-grad-cam", "--layer", "layer2", "--out", out.toString(), "--normalize", "zero-to-one");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertFalse(r.err().contains("warning"), r::toString);
        assertEquals(Shape.of(1, 3, 32, 32), Npy.read(out.resolve("attribution.npy")).shape());
        assertTrue(Files.size(out.resolve("picture.grayscale.png")) > 0);
        assertTrue(Files.readString(out.resolve("summary.json")).contains("\"layer\": \"/layer2/"));
    }

    @Test
    void lrpOnABackendWithoutLrpRulesIsUnsupported() {
        // The ND4J backend offers standard, guided and deconvnet gradients only.
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--method",
                "lrp-epsilon", "--backend", "nd4j", "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.UNSUPPORTED, r.code(), r::toString);
        assertTrue(r.err().contains("backend 'nd4j' does not support LRP rules lrp-epsilon"), r::toString);
        assertFalse(Files.exists(dir.resolve("out").resolve("summary.json")));
    }

    @Test
    void nd4jBackendGivesTheSameMapsAsOnnxRuntime() {
        Path onnx = dir.resolve("onnx");
        Path nd4j = dir.resolve("nd4j");
        for (Path out : new Path[] {onnx, nd4j}) {
            CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--layer",
                    "layer2", "--backend", out == onnx ? "onnx" : "nd4j", "--out", out.toString(), "--quiet");
            assertEquals(ExitCodes.OK, r.code(), r::toString);
        }
        FloatTensor a = Npy.read(onnx.resolve("raw.npy"));
        FloatTensor b = Npy.read(nd4j.resolve("raw.npy"));
        assertEquals(a.shape(), b.shape());
        assertTrue(b.relativeError(a) < 1e-4, "relative error " + b.relativeError(a));
    }

    @Test
    void compatPytorchGradCamGivesTheApisPresetMaps() throws IOException {
        Path plain = dir.resolve("plain");
        Path compat = dir.resolve("compat");
        for (Path out : new Path[] {plain, compat}) {
            CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--layer",
                    "layer2", "--method", "score-cam", "--target", "3", "--out", out.toString(), "--quiet",
                    "--compat", out == plain ? "gradcam" : "pytorch-grad-cam");
            assertEquals(ExitCodes.OK, r.code(), r::toString);
        }
        assertTrue(Files.readString(compat.resolve("summary.json")).contains("\"compatibility\": \"pytorch-grad-cam\""));
        FloatTensor expected;
        try (DifferentiableModel m = Models.load(model)) {
            expected = Explainer.of(m, "score-cam").layer("layer2").compatibility(Compatibility.PYTORCH_GRAD_CAM)
                    .build().explain(Npy.read(input), Targets.classLogit(3)).heatmaps();
        }
        FloatTensor heat = Npy.read(compat.resolve("heatmap.npy"));
        assertTrue(heat.relativeError(expected) < 1e-6, "relative error " + heat.relativeError(expected));
        assertTrue(Npy.read(plain.resolve("heatmap.npy")).relativeError(heat) > 1e-3,
                "pytorch-grad-cam's Score-CAM differs from the paper's");
    }

    @Test
    void scoreCamBatchesSizedToMemoryGiveTheSameMaps() throws IOException {
        Path plain = dir.resolve("mask-plain");
        Path sized = dir.resolve("mask-sized");
        for (Path out : new Path[] {plain, sized}) {
            List<String> args = new ArrayList<>(List.of("explain", "--model", model.toString(), "--input",
                    input.toString(), "--layer", "layer2", "--method", "score-cam", "--target", "3", "--out",
                    out.toString(), "--quiet"));
            if (out == sized) {
                args.addAll(List.of("--mask-batch", "64", "--mask-memory", "200k"));
            }
            CliRun r = CliRun.of(args.toArray(String[]::new));
            assertEquals(ExitCodes.OK, r.code(), r::toString);
        }
        String summary = Files.readString(sized.resolve("summary.json"));
        assertTrue(summary.contains("maxBatch=64, memoryBudget=204800"), summary);
        FloatTensor expected = Npy.read(plain.resolve("heatmap.npy"));
        FloatTensor heat = Npy.read(sized.resolve("heatmap.npy"));
        assertTrue(heat.relativeError(expected) < 1e-6, "relative error " + heat.relativeError(expected));
    }

    @Test
    void maskOptionsAreCheckedAndOtherMethodsWarnThatTheyIgnoreThem() {
        String[] base = {"explain", "--model", model.toString(), "--input", input.toString(), "--layer", "layer2",
            "--out", dir.resolve("mask-options").toString(), "--overwrite"};
        CliRun size = CliRun.of(concat(base, "--method", "score-cam", "--mask-memory", "lots"));
        assertEquals(ExitCodes.USAGE, size.code(), size::toString);
        assertTrue(size.err().contains("use a size such as 512m, 8g or 1048576 (bytes), not 'lots'"), size::toString);
        CliRun batch = CliRun.of(concat(base, "--method", "score-cam", "--mask-batch", "0"));
        assertEquals(ExitCodes.USAGE, batch.code(), batch::toString);
        assertTrue(batch.err().contains("--mask-batch must be at least 1, got 0"), batch::toString);
        CliRun other = CliRun.of(concat(base, "--mask-batch", "4", "--mask-memory", "1g"));
        assertEquals(ExitCodes.OK, other.code(), other::toString);
        assertTrue(other.err().contains("warning: --mask-batch is ignored by grad-cam (score-cam only)")
                && other.err().contains("warning: --mask-memory is ignored by grad-cam (score-cam only)"),
                other::toString);
    }

    private static String[] concat(String[] base, String... more) {
        List<String> all = new ArrayList<>(List.of(base));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    @Test
    void augSmoothUnderTheCompatPresetIsPytorchGradCamsAugSmooth() throws IOException {
        Path out = dir.resolve("aug");
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--layer",
                "layer2", "--aug-smooth", "--eigen-smooth", "--compat", "pytorch-grad-cam", "--out", out.toString(),
                "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        FloatTensor expected;
        try (DifferentiableModel m = Models.load(model)) {
            expected = Explainer.gradCam(m).layer("layer2").augSmoothing(AugSmoothing.pytorchGradCam())
                    .eigenSmooth(true).compatibility(Compatibility.PYTORCH_GRAD_CAM).build().explain(Npy.read(input))
                    .heatmaps();
        }
        assertTrue(Npy.read(out.resolve("heatmap.npy")).relativeError(expected) < 1e-6);
        String summary = Files.readString(out.resolve("summary.json"));
        assertTrue(summary.contains("\"augSmooth\": true") && summary.contains("\"eigenSmooth\": true"), summary);
    }

    @Test
    void theNewestMethodsAndTargetsRunByName() {
        for (String[] run : new String[][] {{"fem", "top"}, {"kpca-cam", "top"}, {"seg-eigen-cam", "rest"},
            {"finer-cam", "3"}, {"refine-cam", "softmax:3"}, {"grad-cam", "raw-scores"}, {"shapley-cam", "rest"}}) {
            Path out = dir.resolve(run[0] + "-" + run[1].replace(':', '-'));
            CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--layer",
                    "layer2", "--method", run[0], "--target", run[1], "--out", out.toString(), "--quiet");
            assertEquals(ExitCodes.OK, r.code(), r::toString);
            FloatTensor heat = Npy.read(out.resolve("heatmap.npy"));
            assertEquals(Shape.of(2, 32, 32), heat.shape());
            assertTrue(heat.allFinite() && heat.max() > 0, run[0] + " " + run[1]);
        }
    }

    @Test
    void restTargetGivesTheApisMaps() {
        Path out = dir.resolve("rest");
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--layer",
                "layer2", "--target", "rest:3", "--out", out.toString(), "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        FloatTensor expected;
        try (DifferentiableModel m = Models.load(model)) {
            expected = Explainer.gradCam(m).layer("layer2").build().explain(Npy.read(input), Targets.rest(3))
                    .rawMaps();
        }
        assertTrue(Npy.read(out.resolve("raw.npy")).relativeError(expected) < 1e-6);
    }

    @Test
    void unknownCompatIsABadArgument() {
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--compat",
                "captum", "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("gradcam or pytorch-grad-cam"), r::toString);
    }

    @Test
    void explainImageWithPreprocessing() throws IOException {
        Path image = GradcamCliTest.image(dir.resolve("picture.png"), 40, 30);
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", image.toString(), "--layer",
                "layer1", "--method", "grad-cam-plus-plus", "--out", out.toString(), "--normalize", "zero-to-one");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertEquals(Shape.of(1, 32, 32), Npy.read(out.resolve("heatmap.npy")).shape(),
                "resized to the model's fixed input size");
    }

    @Test
    void unknownLayerNamesTheNearest() {
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", input.toString(), "--layer",
                "layer9", "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.UNKNOWN_NAME, r.code(), r::toString);
        assertTrue(r.err().contains("unknown layer 'layer9'"), r::toString);
    }

    @Test
    void demoWritesBothFigures() throws IOException {
        Path out = dir.resolve("demo");
        CliRun r = CliRun.of("demo", "--out", out.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(Files.size(out.resolve("demo-classifier.png")) > 0);
        assertTrue(Files.size(out.resolve("demo-detector.png")) > 0);
        assertTrue(r.out().contains("upright     -> 0\u00b0"), r::toString);
        assertTrue(r.out().contains("upside down -> 180\u00b0"), r::toString);
    }

    @Test
    void explainDemoUsesRenderedLines() throws IOException {
        Path out = dir.resolve("out");
        CliRun r = CliRun.of("explain", "--demo", "--out", out.toString(), "--method", "hires-cam");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertEquals(Shape.of(2, 48, 192), Npy.read(out.resolve("heatmap.npy")).shape());
        assertTrue(Files.exists(out.resolve("upside-down.overlay.png")));
    }

    @Test
    void transformersShowTheirLayoutsAndExplainTokenLayers() throws IOException {
        Path vit = CliFixtures.copy(fixtures, "vit_tiny.onnx");
        Path x = CliFixtures.copy(fixtures, "vit_tiny_input.npy");
        CliRun layers = CliRun.of("layers", "--model", vit.toString(), "--filter", "norm1");
        assertEquals(ExitCodes.OK, layers.code(), layers::toString);
        assertTrue(layers.out().contains("tokens 1+8x8   <- auto"), layers::toString);
        for (String method : new String[] {"grad-cam", "ablation-cam", "attention-rollout",
            "grad-attention-rollout"}) {
            Path out = dir.resolve(method);
            CliRun r = CliRun.of("explain", "--model", vit.toString(), "--input", x.toString(), "--layer",
                    "blocks.1.norm1", "--method", method, "--discard-ratio", "0.5", "--out", out.toString());
            assertEquals(ExitCodes.OK, r.code(), r::toString);
            assertEquals(Shape.of(2, 8, 8), Npy.read(out.resolve("raw.npy")).shape(), method);
        }
        String summary = Files.readString(dir.resolve("grad-cam").resolve("summary.json"));
        assertTrue(summary.contains("\"layerLayout\": \"tokens 1+8x8\""), summary);
        CliRun wrong = CliRun.of("explain", "--model", vit.toString(), "--input", x.toString(), "--layer",
                "blocks.1.norm1", "--layer-layout", "tokens:2", "--out", dir.resolve("wrong").toString());
        assertEquals(ExitCodes.INVALID_INPUT, wrong.code(), wrong::toString);
        assertTrue(wrong.err().contains("not a square grid"), wrong::toString);
        CliRun bad = CliRun.of("explain", "--model", vit.toString(), "--input", x.toString(), "--layer-layout",
                "hwc", "--out", dir.resolve("bad").toString());
        assertEquals(ExitCodes.USAGE, bad.code(), bad::toString);
    }


}
