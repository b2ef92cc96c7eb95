package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Models;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.metrics.NoisyLinearImputer;
import dev.gradcam.metrics.Road;
import dev.gradcam.metrics.Scoring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code gradcam evaluate} end to end on the small ONNX ResNet: every output file and its contract. */
class EvaluateCommandTest {

    @TempDir
    static Path fixtures;

    @TempDir
    Path dir;

    static Path model;
    static Path input;

    @BeforeAll
    static void copyFixtures() throws IOException {
        model = CliFixtures.copy(fixtures, "resnet_basic.onnx");
        input = CliFixtures.copy(fixtures, "resnet_basic_input.npy");
    }


    /** Runs evaluate with three methods (two CAMs, one pixel-space) and most metrics; returns the output folder. */
    static Path evaluateThreeMethods(Path out) {
        CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--input", input.toString(), "--layer",
                "layer2", "--method", "grad-cam,grad-cam++,guided-backprop", "--metric",
                "road-morf:80,road-lerf:20,road-combined,confidence-change,drop-in-confidence,"
                        + "increase-in-confidence,deletion,insertion,arcc,complexity,coherency,sparseness,infidelity,"
                        + "max-sensitivity", "--steps", "10", "--road-noise", "0", "--samples", "2", "--batch-size",
                "8", "--out", out.toString(), "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        assertTrue(r.out().contains("evaluated grad-cam, grad-cam-plus-plus, guided-backprop with 14 metric(s) on 2 "
                + "image(s)"), r::toString);
        return out;
    }

    @Test
    void writesJsonCsvCurvesAndReport() throws IOException {
        Path out = evaluateThreeMethods(dir.resolve("eval"));
        String json = Files.readString(out.resolve("metrics.json"));
        assertTrue(json.startsWith("{\n  \"methods\": {\n    \"grad-cam\": {\n      \"road-morf:80\": ["), json);
        for (String m : List.of("grad-cam", "grad-cam-plus-plus", "guided-backprop")) {
            assertTrue(json.contains("\"" + m + "\": {"), m);
        }
        // Class-activation maps have no pixel attributions: infidelity is null for them, a number for guided
        // backprop.
        assertTrue(json.contains("\"infidelity\": [null, null]"), json);
        assertEquals(2, values(json, "guided-backprop", "infidelity").length);
        for (double v : values(json, "grad-cam", "road-combined")) {
            assertTrue(Double.isFinite(v) && Math.abs(v) < 1, "ROAD-combined of probabilities is in (-1, 1): " + v);
        }
        for (double v : values(json, "grad-cam", "arcc")) {
            assertTrue(v >= 0 && v <= 1, "ARCC in [0, 1]: " + v);
        }

        List<String> csv = Files.readAllLines(out.resolve("metrics.csv"));
        assertEquals("image,method,road-morf:80,road-lerf:20,road-combined,confidence-change,drop-in-confidence,"
                + "increase-in-confidence,deletion,insertion,arcc,complexity,coherency,sparseness,infidelity,"
                + "max-sensitivity", csv.get(0));
        assertEquals(1 + 2 * 3, csv.size(), "one row per image and method");

        for (String curve : List.of("deletion", "insertion")) {
            for (String image : List.of("resnet_basic_input-0", "resnet_basic_input-1")) {
                Path png = out.resolve("curves").resolve(curve + "-" + image + ".png");
                assertTrue(javax.imageio.ImageIO.read(png.toFile()).getWidth() > 0, png.toString());
            }
        }

        String html = Files.readString(out.resolve("report.html"));
        List<java.awt.image.BufferedImage> images = ReportImages.decodeAll(html);
        assertEquals(2 * (1 + 3 + 2), images.size(), "per image: input, 3 overlays, 2 curves");
        images.forEach(img -> assertTrue(img.getWidth() > 0 && img.getHeight() > 0));
        assertTrue(html.contains("<h2>Ranking</h2>"), "the report ranks the methods");
        assertTrue(html.contains("infidelity needs pixel attributions"), "the report says why values are missing");
        assertTrue(!html.contains("src=\"http") && !html.contains("src=\"curves/"), "the report is self-contained");
    }

    @Test
    void mapsFromElsewhereMatchTheLibrary() throws IOException {
        FloatTensor x = Npy.read(input);
        float[] m = new float[2 * 32 * 32];
        for (int p = 0; p < m.length; p++) {
            m[p] = (float) (0.5 + 0.5 * Math.sin(p * 0.37));
        }
        FloatTensor maps = FloatTensor.wrapOwned(Shape.of(2, 32, 32), m);
        Path mapsFile = dir.resolve("maps.npy");
        Npy.write(maps, mapsFile);
        Path out = dir.resolve("eval");
        CliRun r = CliRun.of("evaluate", "--model", model.toString(), "--input", input.toString(), "--maps",
                mapsFile.toString(), "--metric", "road-morf:80", "--road-noise", "0", "--target", "3", "--score",
                "logit", "--out", out.toString(), "--quiet");
        assertEquals(ExitCodes.OK, r.code(), r::toString);
        double[] cli = values(Files.readString(out.resolve("metrics.json")), "maps", "road-morf:80");
        try (DifferentiableModel mdl = Models.load(model)) {
            List<Target> t = List.of(Targets.classLogit(3), Targets.classLogit(3));
            double[] lib = Road.of(Scoring.of(mdl), NoisyLinearImputer.of(0, 0)).mostRelevantFirst(x, maps, t, 80);
            for (int i = 0; i < 2; i++) {
                assertEquals(lib[i], cli[i], 1e-9, "image " + i);
                assertNotEquals(0, cli[i], "imputing 20 % of the image changes the logit");
            }
        }
    }

    @Test
    void badOptionsAreExplained() throws IOException {
        CliRun unknown = CliRun.of("evaluate", "--model", model.toString(), "--input", input.toString(),
                "--metric", "delet", "--out", dir.toString());
        assertNotEquals(ExitCodes.OK, unknown.code());
        assertTrue(unknown.err().contains("unknown metric 'delet'") && unknown.err().contains("deletion"),
                unknown::toString);
        CliRun both = CliRun.of("evaluate", "--model", model.toString(), "--input", input.toString(),
                "--maps", input.toString(), "--method", "grad-cam", "--out", dir.toString());
        assertTrue(both.err().contains("--maps and --method exclude each other"), both::toString);
        CliRun noMasks = CliRun.of("evaluate", "--model", model.toString(), "--input", input.toString(),
                "--metric", "pointing-game", "--out", dir.toString());
        assertTrue(noMasks.err().contains("needs object masks"), noMasks::toString);
        CliRun badMaps = CliRun.of("evaluate", "--model", model.toString(), "--input", input.toString(),
                "--maps", input.toString(), "--out", dir.toString());
        assertTrue(badMaps.err().contains("--maps must be [N, H, W]"), badMaps::toString);
    }

    /** The values of {@code metric} for {@code method} in metrics.json ({@code null} read as NaN). */
    static double[] values(String json, String method, String metric) {
        int at = json.indexOf("\"" + method + "\": {");
        assertTrue(at >= 0, "no method " + method + " in " + json);
        Matcher m = Pattern.compile(Pattern.quote("\"" + metric + "\": [") + "([^\\]]*)\\]").matcher(json);
        assertTrue(m.find(at), "no metric " + metric + " for " + method);
        return java.util.Arrays.stream(m.group(1).split(",")).map(String::strip)
                .mapToDouble(s -> s.equals("null") ? Double.NaN : Double.parseDouble(s)).toArray();
    }
}
