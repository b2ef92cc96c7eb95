package dev.gradcam.api.visualize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.InMemoryCnn;
import org.junit.jupiter.api.Test;

class DeepDreamTest {

    private static final InMemoryCnn MODEL = InMemoryCnn.random(4, 3, 6, 4, 10, 10);

    /** Means over consecutive windows of {@code size} steps rise: the objective goes up on average. */
    static void assertRisesOnAverage(double[] history, int size) {
        double previous = Double.NEGATIVE_INFINITY;
        for (int w = 0; w + size <= history.length; w += size) {
            double mean = 0;
            for (int s = w; s < w + size; s++) {
                mean += history[s] / size;
            }
            assertTrue(mean > previous, "window at step " + w + ": " + mean + " after " + previous);
            previous = mean;
        }
    }

    @Test
    void raisesTheLayersEnergyFromAnImage() {
        FloatTensor x = MODEL.randomInput(3, 2);
        Visualization v = DeepDream.builder(MODEL).layer("relu").build().run(x);
        assertEquals(x.shape(), v.images().shape());
        for (int i = 0; i < 2; i++) {
            assertRisesOnAverage(v.objectiveHistory(i), 5);
            assertTrue(v.finalObjective(i) > v.initialObjective(i));
        }
        assertTrue(v.images().relativeError(x) < 1, "a dream stays close to its image");
    }

    @Test
    void dreamsOnOneFilterReproducibly() {
        FloatTensor x = MODEL.randomInput(8, 1);
        DeepDream d = DeepDream.builder(MODEL).layer("conv").filter(2)
                .optimization(Optimization.of(25, Optimizers.normalizedStep(0.02)).withSeed(3)
                        .withRegularization(Regularization.none().withJitter(1))).build();
        Visualization a = d.run(x);
        assertRisesOnAverage(a.objectiveHistory(0), 5);
        assertEquals(a.images(), d.run(x).images());
    }

    @Test
    void octavesDreamAtSmallerScalesFirst() {
        AnySizeCnn model = new AnySizeCnn(6, 3, 5, 4);
        FloatTensor x = InMemoryCnn.random(1, 3, 1, 1, 16, 16).randomInput(2, 1);
        int[] steps = {0};
        Visualization v = DeepDream.builder(model).layer("relu").octaves(3, 1.5)
                .optimization(Optimization.of(10, Optimizers.normalizedStep(0.02)).withListener(p -> steps[0]++))
                .build().run(x);
        assertEquals(Shape.of(1, 3, 16, 16), v.images().shape());
        assertEquals(30, v.steps());
        assertEquals(30, steps[0]);
        assertTrue(v.finalObjective(0) > v.initialObjective(0));
        // A fixed-size model cannot take the smaller octaves.
        assertThrows(InvalidInputException.class, () -> DeepDream.builder(MODEL).layer("relu").octaves(2, 1.4).build()
                .run(MODEL.randomInput(1, 1)));
    }
}
