package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.gradcam.api.saliency.Lrp;
import dev.gradcam.api.saliency.Saliency;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.InMemoryCnn;
import org.junit.jupiter.api.Test;

/** --steps, --samples, --noise, --seed and --epsilon reach the methods exactly as the builders would set them. */
class PixelFlagsTest {

    @Test
    void flagsReachTheMethods() {
        InMemoryCnn model = InMemoryCnn.random(17, 2, 5, 4, 6, 5);
        FloatTensor x = model.randomInput(5, 2);
        PixelFlags flags = new PixelFlags(7, 3, 0.3, 11, 0.25);

        assertEquals(0, flags.method("integrated-gradients", model, null, null).attribute(x).attributions()
                .relativeError(Saliency.integratedGradients(model).steps(7).build().attribute(x).attributions()),
                1e-6);
        assertEquals(0, flags.method("Smooth_Grad", model, null, null).attribute(x).attributions()
                .relativeError(Saliency.smoothGrad(Saliency.vanilla(model)).samples(3).noiseLevel(0.3).seed(11)
                        .build().attribute(x).attributions()), 1e-6);
        Lrp lrp = assertInstanceOf(Lrp.class, flags.method("lrp-epsilon", model, null, null));
        assertEquals(LrpModes.epsilon(0.25), lrp.mode());
        // Methods without flags come with their defaults; the output reaches them too.
        assertEquals(0, flags.method("vanilla-gradient", model, null, "pool").attribute(x, Targets.classLogit(1))
                .attributions().relativeError(Saliency.vanilla(model).explaining("pool")
                        .attribute(x, Targets.classLogit(1)).attributions()), 1e-6);
    }

    @Test
    void defaultsAreTheMethodsDefaults() {
        InMemoryCnn model = InMemoryCnn.random(17, 2, 5, 4, 6, 5);
        FloatTensor x = model.randomInput(5, 1);
        PixelFlags d = PixelFlags.defaults();
        assertEquals(0, d.method("integrated-gradients", model, null, null).attribute(x).attributions()
                .relativeError(Saliency.integratedGradients(model).build().attribute(x).attributions()), 1e-6);
        assertEquals(LrpModes.DEFAULT_EPSILON, d.epsilon());
    }
}
