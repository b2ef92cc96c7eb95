package dev.gradcam.onnx.runtime;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.DifferentiableModelContract;
import dev.gradcam.api.tensor.FloatTensor;

/** The ONNX backend meets the {@link DifferentiableModel} contract, on the ResNet basic-block fixture. */
class OnnxModelContractTest implements DifferentiableModelContract {

    @Override
    public DifferentiableModel createModel() {
        return FixtureTest.resnetBasic();
    }

    @Override
    public FloatTensor sampleInput(int n) {
        return FixtureTest.resnetBasicInput(n, 11 + n);
    }

    @Override
    public String tapLayer() {
        return "layer1";
    }
}
