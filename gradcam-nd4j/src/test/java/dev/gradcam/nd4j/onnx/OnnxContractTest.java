package dev.gradcam.nd4j.onnx;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.DifferentiableModelContract;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.nd4j.TestGraphs;
import dev.gradcam.testsupport.OnnxFixtures;

/**
 * The backend contract on an ONNX file translated to SameDiff: the EfficientNet-style fixture (SiLU and sigmoid
 * gates, depthwise convolutions, residual adds), smooth, so finite differences hold at the contract's tolerance.
 */
class OnnxContractTest implements DifferentiableModelContract {

    @Override
    public DifferentiableModel createModel() {
        return OnnxSameDiff.load(OnnxFixtures.model("efficientnet"));
    }

    @Override
    public FloatTensor sampleInput(int n) {
        return TestGraphs.gaussian(Shape.of(n, 3, 32, 32), 21);
    }

    @Override
    public String tapLayer() {
        return "features.3";
    }
}
