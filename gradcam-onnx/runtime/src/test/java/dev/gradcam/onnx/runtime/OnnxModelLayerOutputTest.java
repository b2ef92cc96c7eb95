package dev.gradcam.onnx.runtime;

import dev.gradcam.api.spi.DifferentiableModel;
import dev.gradcam.api.spi.LayerOutputContract;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Map;
import java.util.Random;

/**
 * The ONNX backend meets the layer-as-output contract ({@link dev.gradcam.api.spi.Capability#LAYER_OUTPUT}) on the
 * ResNet basic-block fixture: the output is the layer's value, the input gradient of a layer matches finite
 * differences, later layers get zero gradients.
 */
class OnnxModelLayerOutputTest implements LayerOutputContract {

    @Override
    public DifferentiableModel createModel() {
        return OnnxModel.load(FixtureTest.fixtures().resolve("resnet_basic.onnx"), Map.of("executionProvider", "cpu"));
    }

    @Override
    public FloatTensor sampleInput(int n) {
        Random r = new Random(21 + n);
        float[] d = new float[n * 3 * 32 * 32];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(Shape.of(n, 3, 32, 32), d);
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
