package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.cam.ChannelStats;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Selector and target specifications, method names, JSON and the progress bar. */
class SpecsTest {

    /**
     * Weights {0.5, -0.2, 0.001, 0, 2}, energies {1, 5, 2, 4, 3}. The expected channels below follow by hand from
     * FeatureMapSelectors' definitions: positive w > 0, negative w < 0, near-zero |w| <= EPS, window LO <= w <= HI,
     * top-k the K largest by the ranking (weight unless named), top-fraction ceil(F * 5) of them.
     */
    private static final ChannelStats STATS = new ChannelStats(0, new float[] {0.5f, -0.2f, 0.001f, 0f, 2f},
            new float[5], new float[5], new float[] {1, 5, 2, 4, 3});

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "all;              0,1,2,3,4",
        "positive;         0,2,4",
        "negative;         1",
        "near-zero:0.01;   2,3",
        "window:-0.3:0.6;  0,1,2,3",
        "top-k:2;          0,4",
        "top-k:2:energy;   1,3",
        "top-k:1:abs-weight; 4",
        "top-fraction:0.4; 0,4",
        "POSITIVE;         0,2,4"})
    void selectorsSelectWhatTheirNamesSay(String spec, String expected) {
        ChannelMask mask = SelectorSpec.parse(spec).selector().select(STATS);
        int[] want = java.util.Arrays.stream(expected.split(",")).mapToInt(Integer::parseInt).toArray();
        assertArrayEquals(want, mask.indices(), spec);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "biggest;         unknown selector 'biggest'",
        "near-zero;       has 0 parameters; 'near-zero' takes 1",
        "near-zero:x;     'x' is not a number",
        "top-k:2:loud;    unknown ranking 'loud'",
        "window:1:0;      window needs low <= high",
        "positive:1;      'positive' takes 0"})
    void badSelectorsSayWhatIsWrong(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SelectorSpec.parse(spec));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void targetsParse() {
        assertEquals(TargetSpec.Kind.TOP, TargetSpec.parse("top").kind());
        TargetSpec c = TargetSpec.parse("281");
        assertEquals(TargetSpec.Kind.CLASS, c.kind());
        assertEquals(281, c.index());
        TargetSpec r = TargetSpec.parse("region:1:0.5");
        assertEquals(TargetSpec.Kind.REGION, r.kind());
        assertEquals(1, r.index());
        assertEquals(0.5, r.threshold());
        assertTrue(Double.isNaN(TargetSpec.parse("region").threshold()), "no threshold given: decided by the output");
        assertEquals(0.3, TargetSpec.DEFAULT_THRESHOLD, "the documented default (--target help, TargetSpec)");
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("-1"));
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("region:x"));
        assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse("region:0:y"));
        TargetSpec softmax = TargetSpec.parse("Softmax:7");
        assertEquals(TargetSpec.Kind.SOFTMAX, softmax.kind());
        assertEquals(7, softmax.index());
        assertEquals("softmax:7", softmax.text());
        assertEquals(TargetSpec.Kind.REST, TargetSpec.parse("rest").kind());
        assertEquals(-1, TargetSpec.parse("rest").index());
        assertEquals(TargetSpec.Kind.RAW_SCORES, TargetSpec.parse("raw-scores").kind());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> TargetSpec.parse("rest:x"));
        assertTrue(bad.getMessage().contains("softmax[:N], rest[:N], raw-scores"), bad.getMessage());
    }

    @Test
    void detectionSegmentationAndEmbeddingTargetsParse() {
        TargetSpec e = TargetSpec.parse("element:1234,7");
        assertEquals(TargetSpec.Kind.ELEMENT, e.kind());
        assertEquals(java.util.List.of(1234, 7), e.indices());
        TargetSpec d = TargetSpec.parse("detection:17:3");
        assertEquals(17, d.box());
        assertEquals(3, d.index());
        TargetSpec b = TargetSpec.parse("box:10,20,30.5,40:2:0.7");
        assertEquals(TargetSpec.Kind.BOX, b.kind());
        assertEquals(30.5, b.reference().box().x2());
        assertEquals(0.7, b.reference().iouThreshold());
        assertEquals(0.5, TargetSpec.parse("box:10,20,30,40:2").reference().iouThreshold());
        TargetSpec m = TargetSpec.parse("region:8:Masks/Cat.png");
        assertEquals(java.nio.file.Path.of("Masks/Cat.png"), m.file(), "paths keep their case");
        assertEquals(8, m.index());
        TargetSpec s = TargetSpec.parse("similar-to:ref.png");
        assertEquals(TargetSpec.Kind.SIMILAR, s.kind());
        assertEquals(java.nio.file.Path.of("ref.png"), s.file());
        for (String bad : new String[] {"box:1,2,3:0", "box:1,2,3,4", "box:3,2,1,4:0", "box:1,2,3,4:0:1.5",
            "element:", "element:1,-2", "detection:1", "similar-to:", "foo"}) {
            assertThrows(IllegalArgumentException.class, () -> TargetSpec.parse(bad), bad);
        }
    }

    @Test
    void jsonEscapesAndNests() {
        String json = Json.write(Map.of("a", List.of(1, 2.5, true), "b\"", "x\ny"));
        assertTrue(json.contains("\"a\": [1, 2.5, true]"), json);
        assertTrue(json.contains("\"b\\\"\": \"x\\ny\""), json);
        assertEquals("null", Json.write(Double.NaN));
        assertEquals("{}", Json.write(Map.of()));
    }

    @Test
    void progressBarCountsUp() {
        java.io.StringWriter sw = new java.io.StringWriter();
        ProgressBar bar = new ProgressBar(new java.io.PrintWriter(sw), "explaining", "images", 4, true);
        bar.advance(1);
        assertTrue(bar.line().contains("1/4 images"), bar.line());
        bar.detail("score-cam masked passes", 16, 48);
        assertTrue(bar.line().endsWith("| score-cam masked passes 16/48"), bar.line());
        bar.advance(3);
        assertTrue(sw.toString().contains("4/4 images"), sw.toString());
        assertTrue(sw.toString().endsWith(System.lineSeparator()), "ends the line when done");

        java.io.StringWriter quiet = new java.io.StringWriter();
        new ProgressBar(new java.io.PrintWriter(quiet), "x", "images", 4, false).advance(4);
        assertEquals("", quiet.toString());
    }

    @Test
    void outputNamesAreSafeAndUnique() {
        assertEquals(List.of("cat", "cat-2", "a_b"), OutputNames.unique(List.of("cat", "cat", "a b")));
        // The review's case: one image's outputs overwrote another's and summary.json listed a name twice.
        assertEquals(List.of("cat-jpg", "cat-png", "cat-2"), OutputNames.unique(List.of("cat.jpg", "cat.png",
                "cat-2.png")));
        assertEquals(List.of("cat-2", "cat-png", "cat-png-2", "cat-jpg"), OutputNames.unique(List.of("cat-2.png",
                "cat.png", "cat.PNG", "cat.jpg")));
    }
}
