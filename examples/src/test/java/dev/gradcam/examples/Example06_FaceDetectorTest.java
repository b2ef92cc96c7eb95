package dev.gradcam.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.target.Box;
import dev.gradcam.api.tensor.FloatTensor;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The face-detector example finds the drawn face and explains its score with a map that lies on the face. */
class Example06_FaceDetectorTest {

    @TempDir
    Path dir;

    @Test
    void findsTheFaceAndExplainsItsScore() throws Exception {
        Example06_FaceDetector.Result r = Example06_FaceDetector.run(Example06_FaceDetector.drawFace(), dir);
        assertTrue(Files.size(dir.resolve("face-detector.png")) > 0);
        assertTrue(r.score() > 0.5, "BlazeFace should detect the drawn face, score " + r.score());
        Box face = new Box(32, 24, 96, 106);
        assertTrue(r.box().iou(face) > 0.5, "box " + r.box() + " should cover the drawn face " + face);
        // Most of the map's mass lies inside the detected box.
        FloatTensor map = r.explanation().heatmap(0);
        double inside = 0;
        double total = 0;
        for (int y = 0; y < 128; y++) {
            for (int x = 0; x < 128; x++) {
                double v = map.get(y, x);
                total += v;
                if (x >= r.box().x1() && x <= r.box().x2() && y >= r.box().y1() && y <= r.box().y2()) {
                    inside += v;
                }
            }
        }
        assertTrue(total > 0 && inside / total > 0.7, "share of the map inside the box: " + inside / total);
    }
}
