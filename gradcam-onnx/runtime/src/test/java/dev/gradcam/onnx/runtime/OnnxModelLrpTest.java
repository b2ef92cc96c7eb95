package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LrpContract;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.api.tensor.FloatTensor;
import org.junit.jupiter.api.Test;

/**
 * The ONNX backend meets the backend-independent LRP contract on the ResNet basic-block fixture (batch
 * normalisation, max pooling, residual additions): LRP-0 equals gradient times activation at a tap and gradient
 * times input at the input.
 */
class OnnxModelLrpTest implements LrpContract {

    @Override
    public DifferentiableModel createModel() {
        return FixtureTest.resnetBasic();
    }

    @Override
    public FloatTensor sampleInput(int n) {
        return FixtureTest.resnetBasicInput(n, 31 + n);
    }

    @Override
    public String tapLayer() {
        return "layer1";
    }

    @Test
    void everyLrpFamilyIsListedAndSupported() {
        try (DifferentiableModel m = createModel()) {
            assertTrue(m.gradientModes().containsAll(LrpModes.all()));
            assertTrue(m.supports(LrpModes.epsilon(0)));
            assertTrue(m.supports(LrpModes.alphaBeta(3, 2)));
            assertTrue(m.supports(LrpModes.zPlus().withInputLayerRule(LrpModes.zBox(-2, 2))));
            assertTrue(m.supports(LrpModes.epsilon(0.1).withInputLayerRule(LrpModes.flat())));
            assertTrue(m.supports(LrpModes.epsilon(0.1).withInputLayerRule(LrpModes.wSquare())));
            assertTrue(m.supports(GradientMode.GUIDED));
            assertFalse(m.supports(new GradientMode("lrp-gamma")));
        }
    }
}
