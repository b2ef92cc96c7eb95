package dev.gradcam.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.metrics.SanityChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Adebayo et al.'s finding on our trained shapes CNN: once the classifier layer (and then the last conv) is
 * re-initialised, Grad-CAM's maps are no longer like the trained model's, while guided backpropagation's stay alike.
 */
class Example07_SanityChecksTest {

    @TempDir
    Path dir;

    @Test
    void gradCamFollowsTheModelGuidedBackpropDoesNot() throws Exception {
        Example07_SanityChecks.Result r = Example07_SanityChecks.run(dir);
        SanityChecks.Cascade cam = r.cascade("grad-cam");
        SanityChecks.Cascade gbp = r.cascade("guided-backprop");
        assertEquals(5, cam.steps().size(), "original + fc + 3 convs");
        assertEquals(1, cam.steps().get(0).meanSpearman(), 1e-9);
        String table = Example07_SanityChecks.table(r);
        for (int step = 1; step <= 2; step++) {
            double c = cam.steps().get(step).meanSpearman();
            double g = gbp.steps().get(step).meanSpearman();
            assertTrue(c < 0.6, "Grad-CAM's similarity falls at step " + step + "\n" + table);
            assertTrue(g > 0.7, "guided backprop's stays high at step " + step + "\n" + table);
            assertTrue(gbp.steps().get(step).meanSsim() > cam.steps().get(step).meanSsim(), table);
        }
        assertTrue(r.randomLogit().get("grad-cam") < 0.2, "Grad-CAM tells the classes apart\n" + table);
        assertTrue(r.randomLogit().get("guided-backprop") > r.randomLogit().get("grad-cam"), table);
        assertTrue(Files.size(dir.resolve("sanity-strip.png")) > 0);
        assertTrue(Files.size(dir.resolve("sanity-similarity.png")) > 0);
    }
}
