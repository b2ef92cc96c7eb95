package dev.gradcam.api.testing;

import dev.gradcam.api.spi.DifferentiableModel;
import dev.gradcam.api.spi.LayerOutputContract;
import dev.gradcam.api.spi.LrpContract;
import dev.gradcam.api.tensor.FloatTensor;

/** The in-memory model meets the contracts of the SPI extensions: layers as outputs, and the LRP modes. */
class InMemoryCnnExtensionsTest implements LayerOutputContract, LrpContract {

    private final InMemoryCnn prototype = InMemoryCnn.random(42, 3, 6, 5, 6, 7);

    @Override
    public DifferentiableModel createModel() {
        return InMemoryCnn.random(42, 3, 6, 5, 6, 7);
    }

    @Override
    public FloatTensor sampleInput(int n) {
        return prototype.randomInput(7, n);
    }

    @Override
    public String outputLayer() {
        return "relu";
    }

    @Override
    public String laterLayer() {
        return "pool";
    }

    @Override
    public String tapLayer() {
        return "conv";
    }
}
