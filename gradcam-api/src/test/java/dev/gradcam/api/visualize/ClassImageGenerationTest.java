package dev.gradcam.api.visualize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Size;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.InMemoryCnn;
import org.junit.jupiter.api.Test;

class ClassImageGenerationTest {

    private static final InMemoryCnn MODEL = InMemoryCnn.random(13, 3, 6, 4, 8, 8);

    @Test
    void plainAscentRaisesEachClassLogitOnAverage() {
        Visualization v = ClassImageGeneration.plain(MODEL)
                .optimization(Optimization.of(40, Optimizers.sgd(20))).build().run(0, 1, 2, 3);
        for (int i = 0; i < 4; i++) {
            DeepDreamTest.assertRisesOnAverage(v.objectiveHistory(i), 5);
            double logit = MODEL.forward(v.image(i).reshape(v.images().shape().withDim(0, 1))).get(0, i);
            assertEquals(logit, v.finalObjective(i), 1e-5);
            assertTrue(v.finalObjective(i) > v.initialObjective(i) + 1);
        }
    }

    @Test
    void imageSizeIsWidthByHeightForOpenSizeModels() {
        // Not square: an imageSize read as (height, width) would give [1, 3, 6, 10].
        Visualization v = ClassImageGeneration.plain(new AnySizeCnn(4, 3, 5, 4)).imageSize(Size.of(6, 10))
                .optimization(Optimization.of(2, Optimizers.sgd(1))).build().run(1);
        assertEquals(Shape.of(1, 3, 10, 6), v.images().shape());
    }

    @Test
    void regularizedAscentRisesOnAverageAndIsReproducible() {
        ClassImageGeneration g = ClassImageGeneration.regularized(MODEL)
                .optimization(Optimization.of(30, Optimizers.sgd(5)).withSeed(9)
                        .withRegularization(Regularization.none().withL2Decay(1e-3).withBlur(4, 0.5).withJitter(1)
                                .withClamp(-5, 5)))
                .build();
        Visualization a = g.run(1, 3);
        for (int i = 0; i < 2; i++) {
            DeepDreamTest.assertRisesOnAverage(a.objectiveHistory(i), 5);
        }
        Visualization b = g.run(1, 3);
        assertEquals(a.images(), b.images());
        assertArrayEquals(a.meanObjectiveHistory(), b.meanObjectiveHistory());
        FloatTensor im = a.images();
        assertTrue(im.max() <= 5 && im.min() >= -5, "clamped");
        assertEquals("regularized-class-image", a.method());
    }
}
