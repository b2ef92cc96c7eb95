package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Methods;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.cli.testing.InMemoryBackendProvider;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tool's help, argument errors, exit codes and outputs, on gradcam-api's pure-Java test model. */
class GradcamCliTest {

    @TempDir
    Path dir;

    @Test
    void helpListsCommandsAndExitCodes() {
        CliRun r = CliRun.of("--help");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        for (String s : new String[] {"layers", "explain", "demo", "Exit codes:", "Unknown layer, method"}) {
            assertTrue(r.out().contains(s), () -> "missing '" + s + "' in " + r);
        }
    }

    @Test
    void explainHelpDescribesOptions() {
        CliRun r = CliRun.of("explain", "--help");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        for (String s : new String[] {"--model", "--input", "--layer", "--method", "--target", "--selector",
            "--backend", "--out", "--size", "--normalize", "--channel-order", "grad-cam-plus-plus", "near-zero:EPS"}) {
            assertTrue(r.out().contains(s), () -> "missing '" + s + "' in " + r);
        }
    }

    @Test
    void explainHelpListsEveryMethodByFamily() {
        CliRun r = CliRun.of("explain", "--help");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        String help = r.out();
        int methods = help.indexOf("Methods (--method):");
        int cam = help.indexOf("Class activation", methods);
        int pixel = help.indexOf("Pixel space", methods);
        int exits = help.indexOf("Exit codes:", methods);
        assertTrue(methods > 0 && methods < cam && cam < pixel && pixel < exits, r::toString);
        String camPart = help.substring(cam, pixel);
        String pixelPart = help.substring(pixel, exits);
        for (String name : Methods.names(Methods.Family.CLASS_ACTIVATION)) {
            assertTrue(camPart.contains(name), () -> "missing " + name + " in " + camPart);
        }
        for (String name : Methods.names(Methods.Family.PIXEL_SPACE)) {
            assertTrue(pixelPart.contains(name), () -> "missing " + name + " in " + pixelPart);
        }
        assertTrue(pixelPart.contains("saliency"), "the alias is listed");
        for (String s : new String[] {"--steps", "--samples", "--noise", "--seed", "--epsilon", "attribution.npy",
            "NAME.grayscale.png"}) {
            assertTrue(help.contains(s), () -> "missing '" + s + "' in " + r);
        }
        for (String line : help.split("\n")) {
            assertTrue(line.length() <= 80, () -> "line longer than the usage width: " + line);
        }
    }

    @Test
    void pixelMethodOptionsAreValidated() {
        String[] base = {"explain", "--model", "m.onnx", "--input", "x.png"};
        String[][] cases = {
            {"--method", "integrated-gradients", "--steps", "0"},
            {"--method", "smooth-grad", "--samples", "-3"},
            {"--method", "smooth-grad", "--noise", "NaN"},
            {"--method", "lrp-epsilon", "--epsilon", "-1"}};
        String[] messages = {"--steps must be at least 1, got 0", "--samples must be at least 1, got -3",
            "--noise must be a finite number >= 0", "--epsilon must be a finite number >= 0"};
        for (int i = 0; i < cases.length; i++) {
            assertExit(ExitCodes.USAGE, messages[i], base, cases[i]);
        }
        assertExit(ExitCodes.USAGE, "", base, "--steps", "many");
    }

    @Test
    void demoTakesOnlyClassActivationMethods() {
        CliRun r = CliRun.of("demo", "--method", "guided-backprop", "--out", dir.resolve("out").toString());
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("explain --demo --method guided-backprop"), r::toString);
    }

    @Test
    void pixelMethodWritesPicturesArraysAndSummaryPerImage() throws IOException {
        Path model = testModel();
        Path images = Files.createDirectory(dir.resolve("images"));
        image(images.resolve("one.png"), 16, 12);
        image(images.resolve("two.png"), 10, 10);
        Path out = dir.resolve("out");

        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", images.toString(), "--method",
                "Smooth_Grad", "--samples", "3", "--noise", "0.2", "--seed", "5", "--target", "1", "--layer", "relu",
                "--out", out.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("smooth-grad on in-memory, JVM: 2 images"), r::toString);
        assertTrue(r.err().contains("warning: --layer is ignored by smooth-grad"), r::toString);
        for (String name : new String[] {"one", "two"}) {
            for (String kind : new String[] {"color", "grayscale", "positive", "negative"}) {
                assertTrue(Files.size(out.resolve(name + "." + kind + ".png")) > 0, name + "." + kind);
            }
        }
        FloatTensor a = Npy.read(out.resolve("attribution.npy"));
        FloatTensor heat = Npy.read(out.resolve("heatmap.npy"));
        assertEquals(Shape.of(2, 3, 8, 8), a.shape());
        assertEquals(Shape.of(2, 8, 8), heat.shape());
        assertTrue(a.allFinite() && a.norm() > 0);
        assertTrue(heat.min() >= 0 && heat.max() <= 1, "grayscale maps lie in [0, 1]");
        String summary = Files.readString(out.resolve("summary.json"));
        for (String s : new String[] {"\"method\": \"smooth-grad\"", "\"family\": \"pixel-space\"",
            "\"samples\": 3", "\"noiseLevel\": 0.2", "\"seed\": 5", "\"class\": 1", "\"score\"",
            "\"executionProvider\": \"JVM\"", "\"attributeMs\"", "\"shape\": [2, 3, 8, 8]"}) {
            assertTrue(summary.contains(s), () -> "missing " + s + " in " + summary);
        }
        assertFalse(summary.contains("completeness"), summary);
    }

    @Test
    void versionPrintsLibraryVersion() {
        CliRun r = CliRun.of("--version");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().startsWith("gradcam "), r::toString);
    }

    @Test
    void sparkWithoutSparkOnTheClassPathSaysWhatToRun() {
        // This module's test class path, like gradcam.jar, has gradcam-spark but not Spark (a provided dependency).
        CliRun r = CliRun.of("spark", "--model", "m.onnx", "--input", "images/", "--out", "out/");
        assertEquals(ExitCodes.UNSUPPORTED, r.code(), r::toString);
        assertTrue(r.err().contains("Apache Spark is not on the class path"), r::toString);
        assertTrue(r.err().contains("spark-submit --class dev.gradcam.spark.cli.SparkCommand"), r::toString);

        CliRun help = CliRun.of("spark", "--help");
        assertEquals(ExitCodes.OK, help.code(), help::toString);
        assertTrue(help.out().contains("--partitions") && help.out().contains("--png"), help::toString);
    }

    @Test
    void aRunBuildsOnlyTheCommandItNames() {
        PrintWriter sink = new PrintWriter(new StringWriter());
        assertEquals(List.of("explain"), List.copyOf(GradcamCli.commandLine(sink, sink, "explain", "--model", "m.onnx")
                .getSubcommands().keySet()));
        List<String> all = List.of("layers", "explain", "evaluate", "demo", "spark", "help");
        for (String[] args : new String[][] {{}, {"--help"}, {"help", "explain"}, {"explian"}}) {
            assertEquals(all, List.copyOf(GradcamCli.commandLine(sink, sink, args).getSubcommands().keySet()),
                    () -> "every command, in help's order, for " + List.of(args));
        }
        CliRun misspelt = CliRun.of("explian");
        assertEquals(ExitCodes.USAGE, misspelt.code(), misspelt::toString);
        assertTrue(misspelt.err().contains("explain"), () -> "suggests the command: " + misspelt);
        CliRun help = CliRun.of("help", "evaluate");
        assertEquals(ExitCodes.OK, help.code(), help::toString);
        assertTrue(help.out().contains("Usage: gradcam evaluate"), help::toString);
    }

    @Test
    void noCommandIsAUsageError() {
        CliRun r = CliRun.of();
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("Missing command"), r::toString);
    }

    @Test
    void unknownOptionIsAUsageErrorWithHelpPointer() {
        CliRun r = CliRun.of("explain", "--modle", "m.onnx");
        assertEquals(ExitCodes.USAGE, r.code(), r::toString);
        assertTrue(r.err().contains("Unknown option") && r.err().contains("'--modle'"), r::toString);
        assertTrue(r.err().contains("Possible solutions: --model"), r::toString);
        assertTrue(r.err().contains("Try 'gradcam explain --help'"), r::toString);
    }

    @Test
    void missingModelOptionIsAUsageError() {
        assertExit(ExitCodes.USAGE, "Missing required option: '--model=FILE'", new String[] {"explain", "--input",
            "x.png"});
    }

    @Test
    void badSelectorTargetAndSizeAreUsageErrors() {
        String[] base = {"explain", "--model", "m.onnx", "--input", "x.png"};
        assertExit(ExitCodes.USAGE, "unknown selector 'biggest'", base, "--selector", "biggest");
        assertExit(ExitCodes.USAGE, "'many' is not a whole number", base, "--selector", "top-k:many");
        assertExit(ExitCodes.USAGE, "unknown target 'cat'", base, "--target", "cat");
        assertExit(ExitCodes.USAGE, "use WIDTHxHEIGHT", base, "--size", "224");
    }

    @Test
    void missingModelFileExitsWithNotFound() {
        CliRun r = assertExit(ExitCodes.NOT_FOUND, "model file not found",
                new String[] {"explain", "--model", dir.resolve("nope.onnx").toString(), "--input", "x.png"});
        assertFalse(r.err().contains("\tat "), () -> "no stack trace without --verbose: " + r);
    }

    @Test
    void verboseShowsTheStackTrace() {
        assertExit(ExitCodes.NOT_FOUND, "\tat ", new String[] {"layers", "--verbose", "--model",
            dir.resolve("nope.onnx").toString()});
    }

    @Test
    void missingInputExitsWithNotFound() throws IOException {
        String[] base = {"explain", "--model", testModel().toString()};
        assertExit(ExitCodes.NOT_FOUND, "input not found", base, "--input", dir.resolve("none.png").toString());
    }

    @Test
    void emptyFolderExitsWithNotFound() throws IOException {
        String[] base = {"explain", "--model", testModel().toString()};
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertExit(ExitCodes.NOT_FOUND, "contains no images", base, "--input", empty.toString());
    }

    @Test
    void unknownMethodExitsWithUnknownNameAndSuggests() {
        String[] base = {"explain", "--model", "m.onnx", "--input", "x.png"};
        assertExit(ExitCodes.UNKNOWN_NAME, "unknown method 'gradcam'; nearest: grad-cam", base, "--method", "gradcam");

        CliRun pixel = assertExit(ExitCodes.UNKNOWN_NAME, "nearest: guided-backprop", base, "--method",
                "guided-backprob");
        assertTrue(pixel.err().contains("grad-attention-rollout (class activation); vanilla-gradient"),
                pixel::toString);
        assertTrue(pixel.err().contains("lrp-z-plus (pixel space)"), pixel::toString);
    }

    @Test
    void unknownLayerExitsWithUnknownNameAndSuggests() throws IOException {
        String[] base = {"explain", "--model", testModel().toString(), "--input",
            image(dir.resolve("a.png"), 8, 8).toString()};
        CliRun r = assertExit(ExitCodes.UNKNOWN_NAME, "unknown layer 'rleu'", base, "--layer", "rleu");
        assertTrue(r.err().contains("gradcam layers"), r::toString);
    }

    @Test
    void regionTargetOnAClassifierIsInvalidInput() throws IOException {
        String[] base = {"explain", "--model", testModel().toString(), "--input",
            image(dir.resolve("a.png"), 8, 8).toString()};
        assertExit(ExitCodes.INVALID_INPUT, "needs a spatial output", base, "--target", "region", "--out",
                dir.resolve("out").toString());
    }

    @Test
    void layersListsOpsShapesAndAuto() throws IOException {
        Path model = testModel();
        CliRun r = CliRun.of("layers", "--model", model.toString());
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("/relu/Relu_output_0"), r::toString);
        assertTrue(r.out().contains("GlobalAveragePool"), r::toString);
        assertTrue(r.out().contains("[?, 4, 8, 8]") || r.out().contains("[-1, 4, 8, 8]"), r::toString);
        assertTrue(r.out().contains("<- auto"), r::toString);

        CliRun maps = CliRun.of("layers", "--model", model.toString(), "--feature-maps");
        assertEquals(ExitCodes.OK, maps.code(), maps::toString);
        assertTrue(maps.out().contains("/relu/Relu_output_0"), () -> "the 4-D feature map stays: " + maps);
        assertFalse(maps.out().contains("/fc/Gemm"), maps::toString);
    }

    @Test
    void explainFolderWritesOverlaysArraysAndSummary() throws IOException {
        Path model = testModel();
        Path images = Files.createDirectory(dir.resolve("images"));
        image(images.resolve("one.png"), 16, 12);
        image(images.resolve("two.png"), 10, 10);
        image(images.resolve("three.jpg"), 8, 8);
        Files.writeString(images.resolve("notes.txt"), "not an image");
        Path out = dir.resolve("out");

        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", images.toString(), "--layer",
                "relu", "--method", "hires-cam", "--selector", "positive", "--target", "2", "--out", out.toString(),
                "--batch-size", "2");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("hires-cam at /relu/Relu_output_0"), r::toString);
        for (String name : new String[] {"one", "two", "three"}) {
            assertTrue(Files.size(out.resolve(name + ".overlay.png")) > 0);
            assertTrue(Files.size(out.resolve(name + ".heatmap.png")) > 0);
        }
        FloatTensor raw = Npy.read(out.resolve("raw.npy"));
        FloatTensor heat = Npy.read(out.resolve("heatmap.npy"));
        assertEquals(Shape.of(3, 8, 8), raw.shape());
        assertEquals(Shape.of(3, 8, 8), heat.shape());
        assertTrue(raw.allFinite() && heat.allFinite());
        assertTrue(heat.min() >= 0 && heat.max() <= 1, "normalised heatmaps lie in [0, 1]");

        String summary = Files.readString(out.resolve("summary.json"));
        for (String s : new String[] {"\"method\": \"hires-cam\"", "\"layer\": \"/relu/Relu_output_0\"",
            "\"selector\": \"positive\"", "\"class\": 2", "\"executionProvider\": \"JVM\"", "\"backendMs\"",
            "\"name\": \"three\"", "\"score\""}) {
            assertTrue(summary.contains(s), () -> "missing " + s + " in " + summary);
        }
    }

    @Test
    void explainNpyUsesTheTensorAsIs() throws IOException {
        Path model = testModel();
        float[] data = new float[2 * 3 * 8 * 8];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) Math.sin(i * 0.37);
        }
        Path npy = dir.resolve("batch.npy");
        Npy.write(FloatTensor.of(Shape.of(2, 3, 8, 8), data), npy);
        Path out = dir.resolve("out");

        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", npy.toString(), "--out",
                out.toString(), "--activation", "signed", "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertEquals(Shape.of(2, 8, 8), Npy.read(out.resolve("raw.npy")).shape());
        assertTrue(Files.exists(out.resolve("batch-0.overlay.png")));
        assertTrue(Files.exists(out.resolve("batch-1.heatmap.png")));
        assertTrue(Files.readString(out.resolve("summary.json")).contains("none (.npy used as is)"));
    }

    @Test
    void npyOfWrongRankIsInvalidInput() throws IOException {
        Path model = testModel();
        Path npy = dir.resolve("flat.npy");
        Npy.write(FloatTensor.of(Shape.of(4), 1, 2, 3, 4), npy);
        CliRun r = CliRun.of("explain", "--model", model.toString(), "--input", npy.toString(), "--out",
                dir.resolve("out").toString());
        assertEquals(ExitCodes.INVALID_INPUT, r.code(), r::toString);
        assertTrue(r.err().contains("expected a float32 batch [N, C, H, W]"), r::toString);
    }

    /** The pure-Java test model: a small CNN with 3 input channels, 4 feature maps, 3 classes, 8 x 8 inputs. */
    private Path testModel() throws IOException {
        return InMemoryBackendProvider.write(dir, "cnn", 3, 4, 3, 8, 8);
    }

    /**
     * Runs the tool with {@code base} followed by {@code more}, and checks the exit code and that standard error
     * contains {@code message}.
     */
    private static CliRun assertExit(int code, String message, String[] base, String... more) {
        CliRun r = CliRun.with(base, more);
        assertEquals(code, r.code(), r::toString);
        assertTrue(r.err().contains(message), () -> "missing '" + message + "' in " + r);
        return r;
    }

    /** A small colourful test picture. */
    static Path image(Path file, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.RED);
        g.fillOval(1, 1, width / 2, height / 2);
        g.dispose();
        if (file.toString().endsWith(".jpg")) {
            try {
                javax.imageio.ImageIO.write(image, "jpg", file.toFile());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        } else {
            PngWriter.write(image, file);
        }
        return file;
    }
}
