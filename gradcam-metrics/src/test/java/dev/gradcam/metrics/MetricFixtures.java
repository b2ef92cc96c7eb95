package dev.gradcam.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Models;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fixtures written by {@code make_metric_fixtures.py} (float64 references of the published definitions, see the
 * script's docstring): the small CNN, its inputs and the expected values.
 */
final class MetricFixtures {

    /** The script's targets: image 0 -> logit 1, image 1 -> logit 3. */
    static final List<Target> TARGETS = List.of(Targets.classLogit(1), Targets.classLogit(3));

    private final Path dir;
    private final Map<String, double[]> expected = new HashMap<>();

    MetricFixtures() {
        try {
            dir = Path.of(MetricFixtures.class.getResource("/dev/gradcam/metrics").toURI());
            for (String line : Files.readAllLines(dir.resolve("expected.txt"))) {
                if (line.isBlank()) {
                    continue;
                }
                String[] parts = line.trim().split(" ");
                expected.put(parts[0], Arrays.stream(parts, 1, parts.length).mapToDouble(Double::parseDouble)
                        .toArray());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    DifferentiableModel model() {
        return Models.load(dir.resolve("metrics_cnn.onnx"));
    }

    Path modelPath() {
        return dir.resolve("metrics_cnn.onnx");
    }

    FloatTensor npy(String name) {
        return Npy.read(dir.resolve(name));
    }

    double[] expected(String name) {
        double[] v = expected.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no reference value '" + name + "' in expected.txt");
        }
        return v.clone();
    }

    /**
     * Asserts {@code actual} matches the reference {@code name}: |a - e| <= 1e-4 * max(1, |e|) for score-valued
     * metrics, or relative 1e-4 when {@code relative} (values far below 1, e.g. infidelity).
     */
    void assertMatches(String name, double[] actual, boolean relative) {
        double[] e = expected(name);
        assertEquals(e.length, actual.length, name + ": number of values");
        for (int i = 0; i < e.length; i++) {
            double tol = relative ? 1e-4 * Math.abs(e[i]) : 1e-4 * Math.max(1, Math.abs(e[i]));
            assertTrue(Math.abs(actual[i] - e[i]) <= tol, name + "[" + i + "]: got " + actual[i]
                    + ", reference (make_metric_fixtures.py, float64) " + e[i] + ", tolerance " + tol);
        }
    }

    void assertMatches(String name, double[] actual) {
        assertMatches(name, actual, false);
    }
}
