package dev.gradcam.api.testing;

import dev.gradcam.api.spi.DifferentiableModel;
import dev.gradcam.api.spi.DifferentiableModelContract;
import dev.gradcam.api.tensor.FloatTensor;

/** The in-memory model meets the backend contract, which also checks the contract itself against hand-derived math. */
class InMemoryCnnContractTest implements DifferentiableModelContract {

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
    public String tapLayer() {
        return "conv";
    }
}
