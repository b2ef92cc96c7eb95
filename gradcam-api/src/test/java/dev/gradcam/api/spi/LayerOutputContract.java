package dev.gradcam.api.spi;

import static dev.gradcam.api.testing.Tensors.dot;
import static dev.gradcam.api.testing.Tensors.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.FiniteDifferences;
import org.junit.jupiter.api.Test;

/**
 * The layer-as-output extension of {@link PassRequest#output()}, for backends declaring
 * {@link Capability#LAYER_OUTPUT} (and a check that the others refuse it). A backend's test implements this like
 * {@link DifferentiableModelContract}; references are the backend's own forward pass and finite differences.
 */
public interface LayerOutputContract {

    /** A fresh model; the contract closes it. */
    DifferentiableModel createModel();

    /** A batch of {@code n} inputs the model accepts. */
    FloatTensor sampleInput(int n);

    /** A layer query with a 4-D activation, not the model's output. */
    String outputLayer();

    /** A layer after {@link #outputLayer()}, which the named output does not depend on. */
    String laterLayer();

    /** Relative tolerance of the finite-difference check. */
    default double finiteDifferenceTolerance() {
        return 2e-2;
    }

    @Test
    default void theOutputIsTheLayersValueAndTheSeedHasItsShape() {
        try (DifferentiableModel m = createModel()) {
            String layer = m.resolveLayer(outputLayer()).name();
            FloatTensor x = sampleInput(2);
            if (!m.capabilities().contains(Capability.LAYER_OUTPUT)) {
                assertThrows(UnsupportedCapabilityException.class, () -> m.run(PassRequest.builder(x).output(layer)
                        .seed(new Seed.OfOutput(o -> o)).build()));
                return;
            }
            FloatTensor acts = m.run(PassRequest.builder(x).tap(layer).build()).activation(layer);
            PassResult r = m.run(PassRequest.builder(x).output(layer).seed(new Seed.OfOutput(o -> o)).build());
            assertEquals(acts.shape(), r.output().shape());
            assertTrue(r.output().relativeError(acts) < 1e-6, "output == the layer's activations");
            assertEquals(acts.shape(), r.seed().orElseThrow().shape(), "the seed has the layer's shape");
        }
    }

    @Test
    default void theInputGradientMatchesFiniteDifferencesOfTheLayer() {
        try (DifferentiableModel m = createModel()) {
            assumeTrue(m.capabilities().contains(Capability.LAYER_OUTPUT)
                    && m.capabilities().contains(Capability.INPUT_GRADIENT), "needs layer outputs and input gradients");
            String layer = m.resolveLayer(outputLayer()).name();
            FloatTensor x = sampleInput(1);
            FloatTensor a = m.run(PassRequest.builder(x).tap(layer).build()).activation(layer);
            FloatTensor seed = gaussian(a.shape(), 1);
            FloatTensor gx = m.run(PassRequest.builder(x).output(layer).inputGradient(true)
                    .seed(new Seed.OfShape(s -> seed)).build()).inputGradient().orElseThrow();
            FloatTensor d = gaussian(x.shape(), 2);
            // Steps of 1e-2 along d's unit vector; times |d|, the derivative along d itself.
            double numeric = FiniteDifferences.directional(t -> dot(m.run(PassRequest.builder(t).tap(layer).build())
                    .activation(layer), seed), x, d, 1e-2) * d.norm();
            double analytic = dot(gx, d);
            double scale = Math.max(Math.abs(numeric), gx.norm() * d.norm() * 1e-3);
            assertTrue(Math.abs(numeric - analytic) <= finiteDifferenceTolerance() * scale,
                    "analytic " + analytic + " vs finite difference " + numeric);
        }
    }

    @Test
    default void layersAfterTheOutputGetZeroGradientsAndUnknownNamesAreRejected() {
        try (DifferentiableModel m = createModel()) {
            assumeTrue(m.capabilities().contains(Capability.LAYER_OUTPUT), "needs layer outputs");
            String layer = m.resolveLayer(outputLayer()).name();
            String later = m.resolveLayer(laterLayer()).name();
            FloatTensor x = sampleInput(2);
            PassResult r = m.run(PassRequest.builder(x).output(layer).tap(layer).tap(later)
                    .seed(new Seed.OfOutput(o -> o)).build());
            assertEquals(0.0, r.gradient(later).norm(), "the output does not depend on a later layer");
            assertTrue(r.gradient(layer).relativeError(r.output()) < 1e-6, "the seed is the gradient at the output");
            assertThrows(InvalidInputException.class, () -> m.run(PassRequest.builder(x).output("no_such_tensor_xyz")
                    .seed(new Seed.OfOutput(o -> o)).build()));
        }
    }
}
