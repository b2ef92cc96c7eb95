package dev.gradcam.api.visualize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.InvalidArgumentException;
import org.junit.jupiter.api.Test;

/** The update rules, by hand, and on a quadratic bowl. */
class OptimizersTest {

    @Test
    void sgdWithMomentumAccumulatesVelocityAsPyTorch() {
        Optimizer.State s = Optimizers.sgd(0.1, 0.9).start(1);
        float[] x = {1};
        s.step(x, new float[] {2}); // v = 2, x = 1 - 0.2
        assertEquals(0.8f, x[0], 1e-7f);
        s.step(x, new float[] {2}); // v = 0.9 * 2 + 2 = 3.8, x = 0.8 - 0.38
        assertEquals(0.42f, x[0], 1e-6f);
    }

    @Test
    void adamsFirstStepIsTheLearningRateAgainstTheGradientsSign() {
        Optimizer.State s = Optimizers.adam(0.01).start(3);
        float[] x = {0, 0, 0};
        s.step(x, new float[] {5, -0.001f, 0});
        assertArrayEquals(new float[] {-0.01f, 0.01f, 0}, x, 1e-5f);
    }

    @Test
    void normalizedStepsHaveAFixedMeanSize() {
        Optimizer.State s = Optimizers.normalizedStep(0.5).start(2);
        float[] x = {0, 0};
        s.step(x, new float[] {100, -300}); // mean |g| = 200
        assertArrayEquals(new float[] {-0.25f, 0.75f}, x, 1e-6f);
    }

    @Test
    void everyOptimizerDescendsAQuadraticBowl() {
        for (Optimizer o : new Optimizer[] {Optimizers.sgd(0.1), Optimizers.sgd(0.05, 0.5), Optimizers.adam(0.05)}) {
            Optimizer.State s = o.start(2);
            float[] x = {3, -2};
            for (int i = 0; i < 500; i++) {
                s.step(x, new float[] {2 * x[0], 8 * x[1]}); // f = x0^2 + 4 x1^2
            }
            assertArrayEquals(new float[] {0, 0}, x, 1e-2f, o.describe());
        }
        assertThrows(InvalidArgumentException.class, () -> Optimizers.sgd(0));
        assertThrows(InvalidArgumentException.class, () -> Optimizers.sgd(0.1, 1));
    }
}
