package dev.gradcam.api.visualize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.InMemoryCnn;
import dev.gradcam.api.testing.RestrictedModel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActivationMaximizationTest {

    private static final InMemoryCnn MODEL = InMemoryCnn.random(21, 3, 6, 4, 8, 8);

    private static ActivationMaximization.Builder filters(int... f) {
        return ActivationMaximization.builder(MODEL).layer("relu").filters(f);
    }

    @Test
    void raisesEachFiltersActivationTenfoldFromItsStartImage() {
        Visualization v = filters(0, 1, 2, 3, 4, 5).build().run();
        assertEquals(Shape.of(6, 3, 8, 8), v.images().shape());
        for (int i = 0; i < 6; i++) {
            // Checked independently: the filter's mean activation in a plain forward pass.
            double start = v.initialObjective(i);
            double end = meanActivation(v.image(i), i);
            assertEquals(end, v.finalObjective(i), 1e-5);
            assertTrue(start > 0, "filter " + i + " starts active: " + start);
            assertTrue(end >= 10 * start, "filter " + i + ": " + start + " -> " + end);
        }
        assertEquals(30, v.steps());
        assertEquals("activation-maximization", v.method());
    }

    @Test
    void isReproducibleWithASeedAndImagesAreIndependentOfTheBatch() {
        Optimization opt = Optimization.of(15, Optimizers.adam(0.1)).withSeed(5)
                .withRegularization(Regularization.none().withJitter(1).withBlur(5, 0.5));
        Visualization a = filters(1, 4).optimization(opt).build().run();
        Visualization b = filters(1, 4).optimization(opt).build().run();
        assertEquals(a.images(), b.images());
        assertArrayEquals(a.objectiveHistory(1), b.objectiveHistory(1));
        Visualization c = filters(1, 4).optimization(opt.withSeed(6)).build().run();
        assertNotEquals(a.images(), c.images());
        // Optimised alone from the same start image, filter 4 ends where it did in the batch: one state per image.
        FloatTensor start = NoiseStart.uniform(-0.1, 0.1).images(Shape.of(2, 3, 8, 8), 5);
        Visualization alone = filters(4).optimization(opt.withRegularization(Regularization.none()))
                .startImages(slice(start, 1)).build().run();
        Visualization pair = filters(1, 4).optimization(opt.withRegularization(Regularization.none()))
                .startImages(start).build().run();
        assertTrue(alone.image(0).relativeError(pair.image(1)) < 1e-6);
    }

    @Test
    void theListenerHearsEveryStep() {
        List<Progress> seen = new ArrayList<>();
        filters(2).optimization(Optimization.of(7, Optimizers.sgd(0.5)).withListener(seen::add)).build().run();
        assertEquals(7, seen.size());
        assertEquals(7, seen.get(6).step());
        assertEquals(7, seen.get(0).steps());
        assertEquals(Shape.of(1, 3, 8, 8), seen.get(3).images().shape());
    }

    @Test
    void theWholeLayerCanBeMaximisedToo() {
        Visualization v = ActivationMaximization.builder(MODEL).layer("relu").wholeLayer().build().run();
        assertTrue(v.finalObjective(0) > 5 * v.initialObjective(0));
    }

    @Test
    void backendsThatCannotExplainLayersAreRejected() {
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> ActivationMaximization.builder(RestrictedModel.without(MODEL, Capability.LAYER_OUTPUT))
                        .layer("relu").build());
        assertEquals(Capability.LAYER_OUTPUT, e.capability());
        assertThrows(InvalidArgumentException.class, () -> ActivationMaximization.builder(MODEL).build());
    }

    private static double meanActivation(FloatTensor image, int filter) {
        FloatTensor x = image.reshape(Shape.of(1, 3, 8, 8));
        return MODEL.run(PassRequest.builder(x).tap(InMemoryCnn.RELU).build()).activation(InMemoryCnn.RELU).slice(0)
                .slice(filter).sum() / 64;
    }

    private static FloatTensor slice(FloatTensor batch, int i) {
        return batch.slice(i).reshape(batch.shape().withDim(0, 1));
    }
}
