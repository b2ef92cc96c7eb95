package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SmoothGrad with fixed noise on {@link HandModel}, where d logit_0 / d x_k = w_k [x_k > 0], w = [1, -0.5, 0.01].
 * Sample 0 adds nothing (the gradient of {@link GradientSaliencyTest}); sample 1 subtracts 2.5 everywhere, so
 * x0 - 2.5 = [-1.5, -0.5, 0.5, 1.5], x1 - 2.5 = [1.5, -2.5, -3.5, -0.5] and x2 - 2.5 < 0, giving the gradient
 * [0, 0, 1, 1 | -0.5, 0, 0, 0 | 0, 0, 0, 0].
 */
class SmoothGradTest {

    private static final float EPS = 1e-6f;
    private static final Noise FIXED =
            (input, image, sample) -> FloatTensor.full(input.shape(), sample == 0 ? 0f : -2.5f);

    private static float[] run(SmoothGrad.Variant variant) {
        try (InMemoryCnn model = HandModel.model()) {
            return Saliency.smoothGrad(Saliency.vanilla(model)).samples(2).noise(FIXED).variant(variant).build()
                    .attribute(HandModel.image(), Targets.classLogit(0)).attributions().toArray();
        }
    }

    @Test
    void plainIsTheMeanOfTheNoisyGradients() {
        assertArrayEquals(new float[] {0.5f, 0.5f, 1, 1, -0.5f, 0, 0, -0.25f, 0, 0, 0.005f, 0.005f},
                run(SmoothGrad.Variant.PLAIN), EPS);
    }

    @Test
    void squaredIsTheMeanOfSquares() {
        assertArrayEquals(new float[] {0.5f, 0.5f, 1, 1, 0.25f, 0, 0, 0.125f, 0, 0, 0.00005f, 0.00005f},
                run(SmoothGrad.Variant.SQUARED), EPS);
    }

    @Test
    void varGradIsTheVariance() {
        assertArrayEquals(new float[] {0.25f, 0.25f, 0, 0, 0, 0, 0, 0.0625f, 0, 0, 0.000025f, 0.000025f},
                run(SmoothGrad.Variant.VAR_GRAD), EPS);
    }

    @Test
    void gaussianNoiseHasTheRequestedLevelAndIsReproducible() {
        FloatTensor x = HandModel.image().slice(0); // values from -1 to 4: range 5
        Noise noise = Noises.gaussian(0.2, 3);
        double sq = 0;
        int count = 0;
        for (int s = 0; s < 2000; s++) {
            FloatTensor e = noise.sample(x, 0, s);
            sq += e.norm() * e.norm();
            count += e.size();
        }
        assertEquals(1.0, Math.sqrt(sq / count), 0.02, "sigma = 0.2 * range");
        assertEquals(noise.sample(x, 1, 7), Noises.gaussian(0.2, 3).sample(x, 1, 7));
        assertTrue(noise.sample(x, 1, 7).relativeError(noise.sample(x, 1, 8)) > 0.5);
    }

    @Test
    void resultsDependOnTheSeedNotOnBatching() {
        InMemoryCnn model = InMemoryCnn.random(2, 3, 4, 5, 5, 4);
        FloatTensor x = model.randomInput(1, 3);
        SmoothGrad.Builder b = Saliency.smoothGrad(Saliency.guided(model)).samples(10).noiseLevel(0.1).seed(42);
        Attribution small = b.batchSize(3).build().attribute(x);
        Attribution large = b.batchSize(64).build().attribute(x);
        assertTrue(small.attributions().relativeError(large.attributions()) < 1e-6);
        Attribution other = b.seed(43).build().attribute(x);
        assertTrue(other.attributions().relativeError(large.attributions()) > 1e-3);
        assertEquals("smooth-grad-guided-backprop", large.method());
        // Scores and classes are those of the clean images.
        Attribution clean = Saliency.guided(model).attribute(x);
        assertArrayEquals(clean.scores(), large.scores(), 1e-9);
    }

    @Test
    void smoothingConvergesToTheGradientAsNoiseVanishes() {
        InMemoryCnn model = InMemoryCnn.random(2, 3, 4, 5, 5, 4);
        FloatTensor x = model.randomInput(1, 2);
        Attribution plain = Saliency.vanilla(model).attribute(x, List.of(Targets.classLogit(0), Targets.classLogit(4)));
        Attribution smooth = Saliency.smoothGrad(Saliency.vanilla(model)).samples(4).noiseLevel(0).build()
                .attribute(x, List.of(Targets.classLogit(0), Targets.classLogit(4)));
        assertTrue(smooth.attributions().relativeError(plain.attributions()) < 1e-6);
        assertEquals(Shape.of(2, 3, 5, 4), smooth.attributions().shape());
    }

    @Test
    void customNoiseAndALevelContradictEachOther() {
        InMemoryCnn model = HandModel.model();
        assertThrows(InvalidArgumentException.class,
                () -> Saliency.smoothGrad(Saliency.vanilla(model)).noise(FIXED).noiseLevel(0.1).build());
        assertThrows(InvalidArgumentException.class,
                () -> Saliency.smoothGrad(Saliency.vanilla(model)).noiseLevel(-1).build());
        assertThrows(InvalidArgumentException.class, () -> Saliency.smoothGrad(Saliency.vanilla(model)).samples(0));
    }
}
