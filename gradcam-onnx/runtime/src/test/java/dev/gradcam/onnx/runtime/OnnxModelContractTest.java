package dev.gradcam.onnx.runtime;

import dev.gradcam.api.spi.DifferentiableModel;
import dev.gradcam.api.spi.DifferentiableModelContract;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Map;
import java.util.Random;

/** The ONNX backend meets the {@link DifferentiableModel} contract, on the ResNet basic-block fixture. */
class OnnxModelContractTest implements DifferentiableModelContract {

    @Override
    public DifferentiableModel createModel() {
        return OnnxModel.load(FixtureTest.fixtures().resolve("resnet_basic.onnx"), Map.of("executionProvider", "cpu"));
    }

    @Override
    public FloatTensor sampleInput(int n) {
        Random r = new Random(11 + n);
        float[] d = new float[n * 3 * 32 * 32];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(Shape.of(n, 3, 32, 32), d);
    }

    @Override
    public String tapLayer() {
        return "layer1";
    }
}
