package dev.gradcam.api.target;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.FiniteDifferences;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Element and detection targets: values worked out by hand (IoU of overlapping squares, objectness times class
 * probability), gradients against central finite differences of the targets' own scores.
 */
class DetectionTargetsTest {

    /** Three YOLOv5 rows (cx, cy, w, h, objectness, p0, p1). */
    private final FloatTensor v5 = FloatTensor.of(Shape.of(3, 7),
            5f, 5f, 10f, 10f, 0.9f, 0.2f, 0.7f,     // box (0,0)-(10,10), label 1
            7f, 5f, 10f, 10f, 0.6f, 0.8f, 0.1f,     // box (2,0)-(12,10), label 0
            40f, 40f, 4f, 4f, 0.5f, 0.5f, 0.4f);    // far away

    private static void assertGradientIsFiniteDifference(Target t, FloatTensor out) {
        FloatTensor fd = FiniteDifferences.gradient(t::score, out, 1e-2);
        FloatTensor g = t.gradient(out);
        for (int i = 0; i < out.size(); i++) {
            assertEquals(fd.getFlat(i), g.getFlat(i), 2e-3, t.describe() + " element " + i);
        }
    }

    /** The same boxes in YOLOv8 layout [4 + C, boxes] (classes p0, p1 taken as scores). */
    private FloatTensor v8() {
        float[] d = new float[6 * 3];
        for (int b = 0; b < 3; b++) {
            for (int a = 0; a < 4; a++) {
                d[a * 3 + b] = v5.get(b, a);
            }
            d[4 * 3 + b] = v5.get(b, 5);
            d[5 * 3 + b] = v5.get(b, 6);
        }
        return FloatTensor.wrapOwned(Shape.of(6, 3), d);
    }

    @Test
    void elementByAxesOrFlatIndex() {
        Target t = Targets.element(1, 4);
        assertEquals(0.6, t.score(v5), 1e-6);
        assertEquals(1f, t.gradient(v5).get(1, 4));
        assertEquals(1.0, t.gradient(v5).sum(), 0);
        assertFalse(t.dependsOnOutput());
        assertEquals(0.6, Targets.element(11).score(v5), 1e-6);
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Targets.element(3, 0).score(v5));
        assertTrue(e.getMessage().contains("axis 0"), e.getMessage());
        e = assertThrows(InvalidInputException.class, () -> Targets.element(1, 2, 3).score(v5));
        assertTrue(e.getMessage().contains("[3, 7]"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> Targets.element(21).score(v5));
        assertThrows(InvalidArgumentException.class, () -> Targets.element(-1));
    }

    @Test
    void detectionScoreIsObjectnessTimesClassProbability() {
        Target t = Targets.detection(DetectionLayout.YOLO_V5, 1, 0);
        assertEquals(0.6 * 0.8, t.score(v5), 1e-6);
        assertGradientIsFiniteDifference(t, v5);
        Target t8 = Targets.detection(DetectionLayout.YOLO_V8, 1, 0);
        assertEquals(0.8, t8.score(v8()), 1e-6);
        assertGradientIsFiniteDifference(t8, v8());
        assertThrows(InvalidInputException.class, () -> Targets.detection(DetectionLayout.YOLO_V5, 3, 0).score(v5));
        assertThrows(InvalidInputException.class,
                () -> Targets.detection(DetectionLayout.YOLO_V5, 0, 2).gradient(v5));
    }

    @Test
    void boxScoreAddsIouAndScoreOfTheBestMatch() {
        // Reference (0.5,0.5)-(10.5,10.8), no corner shared with a prediction (no kinks): IoU 90.25/112.75 with
        // box 0 (label 1), 80.75/122.25 with box 1.
        ReferenceBox ref = new ReferenceBox(new Box(0.5, 0.5, 10.5, 10.8), 1, 0.5);
        Target t = Targets.boxScore(DetectionLayout.YOLO_V5, List.of(ref));
        assertEquals(90.25 / 112.75 + 0.9 * 0.7, t.score(v5), 1e-5);
        assertGradientIsFiniteDifference(t, v5);
        Target t8 = Targets.boxScore(DetectionLayout.YOLO_V8, List.of(ref));
        assertEquals(90.25 / 112.75 + 0.7, t8.score(v8()), 1e-5);
        assertGradientIsFiniteDifference(t8, v8());
    }

    @Test
    void boxScoreIsZeroBelowTheThresholdOrForAnotherLabel() {
        Box b = new Box(0.5, 0.5, 10.5, 10.8);
        assertEquals(0, Targets.boxScore(DetectionLayout.YOLO_V5, List.of(new ReferenceBox(b, 0, 0.5))).score(v5));
        assertEquals(0, Targets.boxScore(DetectionLayout.YOLO_V5, List.of(new ReferenceBox(b, 1, 0.9))).score(v5));
        assertEquals(0, Targets.boxScore(DetectionLayout.YOLO_V5, List.of(new ReferenceBox(b, 1, 0.9)))
                .gradient(v5).norm());
    }

    @Test
    void boxScoreSumsOverReferencesOnPostNmsRows() {
        FloatTensor rows = FloatTensor.of(Shape.of(2, 6),
                0f, 0f, 10f, 10f, 0.9f, 2f,
                20f, 20f, 30f, 40f, 0.4f, 5f);
        Target t = Targets.boxScore(DetectionLayout.XYXY_SCORE_CLASS, List.of(
                ReferenceBox.of(0, 0, 10, 10, 2), ReferenceBox.of(21, 21, 29, 36, 5)));
        assertEquals(1 + 0.9 + 120.0 / 200 + 0.4, t.score(rows), 1e-5);
        FloatTensor fd = FiniteDifferences.gradient(t::score, rows, 1e-2);
        FloatTensor g = t.gradient(rows);
        // Box 0 matches exactly (IoU 1): no gradient at the kinks is checked; box 1 and the scores are smooth.
        for (int i = 6; i < 12; i++) {
            assertEquals(fd.getFlat(i), g.getFlat(i), 2e-3, "element " + i);
        }
        assertEquals(1f, g.get(0, 4));
        assertEquals(0f, g.get(1, 5), "the class column is a label, not a score");
    }

    @Test
    void layoutsCheckShapesAndNames() {
        assertEquals(DetectionLayout.YOLO_V8, DetectionLayout.named("YOLOv8"));
        assertEquals(DetectionLayout.XYXY_SCORE_CLASS, DetectionLayout.named("xyxy-score-class"));
        assertThrows(InvalidArgumentException.class, () -> DetectionLayout.named("ssd"));
        assertEquals(DetectionLayout.YOLO_V8, DetectionLayout.guess(Shape.of(84, 8400)));
        assertEquals(DetectionLayout.YOLO_V5, DetectionLayout.guess(Shape.of(25200, 85)));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> DetectionLayout.YOLO_V5.boxes(Shape.of(10)));
        assertTrue(e.getMessage().contains("[boxes, 5 + classes]"), e.getMessage());
        assertThrows(InvalidArgumentException.class, () -> new Box(5, 0, 1, 1));
        assertThrows(InvalidArgumentException.class, () -> ReferenceBox.of(0, 0, 1, 1, -1));
        assertEquals(25.0 / 175, new Box(0, 0, 10, 10).iou(new Box(5, 5, 15, 15)), 1e-12);
    }
}
