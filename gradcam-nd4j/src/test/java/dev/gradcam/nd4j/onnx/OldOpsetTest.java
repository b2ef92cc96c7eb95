package dev.gradcam.nd4j.onnx;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.nd4j.SameDiffModel;
import dev.gradcam.testsupport.OnnxFixtures;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Old-opset exports through the ND4J loader (models before opset 9 are converted first): Grad-CAM equals the ND4J
 * backend's Grad-CAM on torch's opset-17 export of the same weights ({@code opsets/make_opset_fixtures.py}).
 */
class OldOpsetTest {

    private static final Path OPSETS = OnnxFixtures.root().resolveSibling("opsets");

    @ParameterizedTest(name = "{0} at opset {1}")
    @CsvSource({"resnet_basic, 7, layer2.0", "vgg, 9, features.4", "mobilenetv2, 10, features.2",
        "squeezenet, 11, features.3"})
    void gradCamEqualsTheOpset17Export(String arch, int opset, String layer) {
        FloatTensor x = OnnxFixtures.array(arch, "input");
        try (SameDiffModel old = OnnxSameDiff.load(OPSETS.resolve(arch + "_opset" + opset + ".onnx"));
             SameDiffModel ref = OnnxSameDiff.load(OnnxFixtures.model(arch))) {
            FloatTensor a = explain(old, layer, x).rawMaps();
            FloatTensor b = explain(ref, layer, x).rawMaps();
            double err = a.relativeError(b);
            assertTrue(b.norm() > 0 && err < 1e-4, arch + " opset " + opset + ": relative L2 error " + err);
        }
    }

    private static Explanation explain(SameDiffModel m, String layer, FloatTensor x) {
        return Explainer.of(m, CamMethods.gradCam()).activation(MapActivation.SIGNED)
                .normalization(Normalizations.none()).upsample(false).layer(layer).build()
                .explain(x, List.of(Targets.classLogit(1), Targets.classLogit(3)));
    }
}
