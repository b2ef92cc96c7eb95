package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Provenance;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.saliency.Attribution;
import dev.gradcam.api.saliency.Completeness;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link AttributionWriter} writes, on hand-made attributions. */
class AttributionWriterTest {

    @TempDir
    Path dir;

    private static Attribution attribution(Shape shape, List<Completeness> completeness) {
        float[] d = new float[shape.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) Math.sin(0.7 * i);
        }
        int n = shape.intDim(0);
        double[] scores = new double[n];
        int[] classes = new int[n];
        List<String> targets = java.util.Collections.nCopies(n, "class 1 logit");
        java.util.Arrays.fill(classes, 1);
        return new Attribution("test", FloatTensor.wrapOwned(shape, d), scores, classes, targets, completeness,
                Map.of(), new Provenance("test", "input", "hand", "JVM", "standard", "0", Map.of()),
                Duration.ofMillis(3));
    }

    @Test
    void imagesOfDifferentSizesGetArraysEach() throws IOException {
        AttributionWriter w = new AttributionWriter(dir);
        Attribution wide = attribution(Shape.of(1, 3, 4, 6), List.of(new Completeness(1.1, 1.0)));
        Attribution tall = attribution(Shape.of(1, 3, 5, 2), List.of(new Completeness(2.0, 2.0)));
        w.add(List.of("wide"), wide, wide.attributions());
        w.add(List.of("tall"), tall, tall.attributions());
        w.finish(Map.of("method", "test"), new RunTimes(Duration.ofMillis(9), null));
        assertEquals(Shape.of(3, 4, 6), Npy.read(dir.resolve("wide.attribution.npy")).shape());
        assertEquals(Shape.of(5, 2), Npy.read(dir.resolve("tall.heatmap.npy")).shape());
        assertFalse(Files.exists(dir.resolve("attribution.npy")));
        assertTrue(w.written().containsAll(List.of(dir.resolve("wide.attribution.npy"),
                dir.resolve("tall.heatmap.npy"), dir.resolve("summary.json"))), w.written()::toString);
        assertEquals(0.1, w.maxCompletenessError(), 1e-9);
        String summary = Files.readString(dir.resolve("summary.json"));
        assertTrue(summary.contains("\"relativeError\": 0.1"), summary);
        assertTrue(summary.contains("\"maxCompletenessRelativeError\""), summary);
        assertTrue(summary.contains("images differ in size"), summary);
    }

    @Test
    void otherChannelCountsArePicturedAsTheirSum() throws IOException {
        AttributionWriter w = new AttributionWriter(dir);
        Attribution a = attribution(Shape.of(2, 2, 3, 3), List.of());
        w.add(List.of("a", "b"), a, a.attributions());
        w.finish(Map.of(), new RunTimes(Duration.ZERO, null));
        assertTrue(Files.size(dir.resolve("b.color.png")) > 0);
        assertEquals(Shape.of(2, 2, 3, 3), Npy.read(dir.resolve("attribution.npy")).shape());
        assertTrue(w.diagnostics().get(0).contains("2 channels"), w.diagnostics()::toString);
        assertTrue(Double.isNaN(w.maxCompletenessError()));
    }

    @Test
    void channelsLastIsTransposed() {
        FloatTensor nhwc = FloatTensor.of(Shape.of(1, 2, 2, 3), 0, 1, 2, 10, 11, 12, 20, 21, 22, 30, 31, 32);
        FloatTensor nchw = AttributionWriter.toChannelsFirst(nhwc);
        assertEquals(Shape.of(1, 3, 2, 2), nchw.shape());
        assertEquals(FloatTensor.of(Shape.of(1, 3, 2, 2), 0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32), nchw);
    }
}
