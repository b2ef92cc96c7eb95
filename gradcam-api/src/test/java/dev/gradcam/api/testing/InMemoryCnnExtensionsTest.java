package dev.gradcam.api.testing;

import dev.gradcam.api.spi.LayerOutputContract;
import dev.gradcam.api.spi.LrpContract;

/** The in-memory model meets the contracts of the SPI extensions: layers as outputs, and the LRP modes. */
class InMemoryCnnExtensionsTest extends InMemoryCnnFixture implements LayerOutputContract, LrpContract {

    @Override
    public String outputLayer() {
        return "relu";
    }

    @Override
    public String laterLayer() {
        return "pool";
    }
}
