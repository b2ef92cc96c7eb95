package dev.gradcam.onnx.runtime;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.LayerOutputContract;
import dev.gradcam.api.tensor.FloatTensor;

/**
 * The ONNX backend meets the layer-as-output contract ({@link dev.gradcam.api.spi.Capability#LAYER_OUTPUT}) on the
 * ResNet basic-block fixture: the output is the layer's value, the input gradient of a layer matches finite
 * differences, later layers get zero gradients.
 */
class OnnxModelLayerOutputTest implements LayerOutputContract {

    @Override
    public DifferentiableModel createModel() {
        return FixtureTest.resnetBasic();
    }

    @Override
    public FloatTensor sampleInput(int n) {
        return FixtureTest.resnetBasicInput(n, 21 + n);
    }

    @Override
    public String outputLayer() {
        return "layer1";
    }

    @Override
    public String laterLayer() {
        return "layer2";
    }
}
