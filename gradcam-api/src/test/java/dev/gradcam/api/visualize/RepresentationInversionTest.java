package dev.gradcam.api.visualize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.InMemoryCnn;
import org.junit.jupiter.api.Test;

class RepresentationInversionTest {

    private static final InMemoryCnn MODEL = InMemoryCnn.random(31, 3, 8, 4, 8, 8);

    @Test
    void lowersTheRepresentationLossByNinetyPercent() {
        FloatTensor x = MODEL.randomInput(2, 2);
        Visualization v = RepresentationInversion.builder(MODEL).layer("relu").build().run(x);
        assertFalse(v.maximized());
        for (int i = 0; i < 2; i++) {
            assertTrue(v.finalObjective(i) <= 0.1 * v.initialObjective(i),
                    "image " + i + ": " + v.initialObjective(i) + " -> " + v.finalObjective(i));
            // Checked independently from the activations of a plain forward pass.
            FloatTensor phi0 = relu(x.slice(i));
            FloatTensor phi = relu(v.image(i));
            double loss = Math.pow(phi.relativeError(phi0), 2);
            assertEquals(loss, v.finalObjective(i), 1e-4);
        }
    }

    @Test
    void isReproducibleWithASeed() {
        FloatTensor x = MODEL.randomInput(3, 1);
        RepresentationInversion inv = RepresentationInversion.builder(MODEL).layer("conv")
                .optimization(Optimization.of(20, Optimizers.adam(0.05)).withSeed(4)).build();
        assertEquals(inv.run(x).images(), inv.run(x).images());
    }

    private static FloatTensor relu(FloatTensor image) {
        return MODEL.run(PassRequest.builder(image.reshape(image.shape().prepend(1))).tap(InMemoryCnn.RELU).build())
                .activation(InMemoryCnn.RELU);
    }
}
