package dev.gradcam.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tiny ViT trained on shapes ({@code vit/make_shapes_vit.py}, with token labelling) is explained where the object
 * is: on held-out images drawn by ShapesDataset from a fixed seed (never seen in training), Grad-CAM and HiResCAM at
 * the final normalisation and both attention rollouts put their peak on the object (pointing game, Zhang et al.
 * 2016, within 2 pixels of its box: half a patch) for at least 90 % of the images; a box with its margin covers
 * about a fifth of the image, the chance level. Measured with torch on these images (shapes_vit_variants.py):
 * 98, 98, 100 and 100 %.
 */
class Example08_VitShapesTest {

    @TempDir
    Path dir;

    @Test
    void gradCamAndBothRolloutsPointAtTheObject() throws Exception {
        Example08_VitShapes.Result r = Example08_VitShapes.run(dir);
        String table = Example08_VitShapes.table(r);
        assertTrue(r.accuracy() >= 0.95, "the model has learned the task\n" + table);
        assertEquals(List.of("grad-cam", "hires-cam", "attention-rollout", "grad-attention-rollout"),
                List.copyOf(r.maps().keySet()));
        for (String method : r.maps().keySet()) {
            assertEquals(Shape.of(Example08_VitShapes.IMAGES, 32, 32), r.maps().get(method).shape(), method);
            assertTrue(r.pointingGame(method) >= 0.9, method + "\n" + table);
        }
        assertTrue(Files.size(dir.resolve("vit-shapes.png")) > 0);
    }
}
