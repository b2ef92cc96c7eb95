package dev.gradcam.api.spi;

import dev.gradcam.api.DifferentiableModel;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradcam.api.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/**
 * Backend-independent checks of the LRP modes ({@link LrpModes}), for backends that offer them: with epsilon 0 every
 * Conv/Gemm rule reduces to the standard gradient, so relevance must equal activation times the standard gradient at
 * every tap and input times gradient at the input (Ancona et al. 2018). A backend's test implements this like
 * {@link DifferentiableModelContract}; the rules themselves are checked against a textbook reference in
 * gradcam-api's {@code LrpTest} on the in-memory model.
 */
public interface LrpContract {

    /** A fresh model; the contract closes it. */
    DifferentiableModel createModel();

    /** A batch of {@code n} inputs the model accepts. */
    FloatTensor sampleInput(int n);

    /** A layer query to tap. */
    String tapLayer();

    /** Relative tolerance between passes. */
    default double tolerance() {
        return 1e-4;
    }

    private static FloatTensor times(FloatTensor a, FloatTensor b) {
        float[] d = a.toArray();
        for (int i = 0; i < d.length; i++) {
            d[i] *= b.getFlat(i);
        }
        return FloatTensor.wrapOwned(a.shape(), d);
    }

    @Test
    default void lrpZeroIsGradientTimesActivation() {
        try (DifferentiableModel m = createModel()) {
            assumeTrue(m.supports(LrpModes.epsilon(0)), "needs the LRP modes");
            String tap = m.resolveLayer(tapLayer()).name();
            FloatTensor x = sampleInput(2);
            PassResult grad = m.run(PassRequest.builder(x).tap(tap).inputGradient(true).seed(new Seed.TopClass())
                    .build());
            PassResult lrp = m.run(PassRequest.builder(x).tap(tap).inputGradient(true).seed(new Seed.TopClass())
                    .mode(LrpModes.epsilon(0)).build());
            double atInput = lrp.inputGradient().orElseThrow()
                    .relativeError(times(x, grad.inputGradient().orElseThrow()));
            assertTrue(atInput < tolerance(), "input relevance == x * gradient; relative error " + atInput);
            double atTap = lrp.gradient(tap).relativeError(times(grad.activation(tap), grad.gradient(tap)));
            assertTrue(atTap < tolerance(), "tap relevance == activation * gradient; relative error " + atTap);
        }
    }
}
