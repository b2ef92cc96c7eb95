package dev.gradcam.onnx.thirdparty;

import static dev.gradcam.api.testing.Tensors.dot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Size;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.FiniteDifferences;
import dev.gradcam.api.testing.Tensors;
import dev.gradcam.onnx.convert.OpsetConverter;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real third-party line-segment detector at opset 11, exported by tf2onnx (1.8.5): M-LSD tiny
 * ({@code mlsd_320x320_tiny.onnx}, MobileNetV2 encoder, FPN decoder with dilated convolutions and linear Resize whose
 * sizes come from Shape, Slice and Concat; NHWC RGBA input [1, 320, 320, 4] in 0-255), from the npm package
 * {@code jp.keijiro.mlsd@1.0.0} (Apache-2.0, as is the upstream navervision/mlsd). The target is a region of the
 * line-centre probability map before the model's own max-pool NMS ({@code Sigmoid_4}, [1, 1, 160, 160]). Fetched with
 * npm at test time ({@link NpmModels}).
 */
@Tag("heavy")
class MlsdLineDetectorTest {

    static final String PACKAGE = "jp.keijiro.mlsd";
    static final String VERSION = "1.0.0";
    static final String INTEGRITY =
            "sha512-+aN7URci+I2YGUA5HKM+a1+ls0XFoYy44XRiQov3TS+BEHroJRvrktuonXPokDNxDLT8w2VHumPPXGoLMjYq8A==";
    static final String INPUT = "input_image_with_alpha:0";
    /** The line-centre probabilities before the model's NMS (max-pool, Equal, Cast, Mul). */
    static final String CENTRES = "WireFrameModel_with_alpha/Decoder/Sigmoid_4:0";
    /** The decoder's last FPN block output (80x80, after its residual Add): the Grad-CAM layer. */
    static final String LAYER = "WireFrameModel_with_alpha/decoder_fpn/upblock_1/add:0";
    static final int SIZE = 320;

    static Path model() {
        return NpmModels.file(PACKAGE, VERSION, INTEGRITY, "package/ONNX/mlsd_320x320_tiny.onnx");
    }

    /** A light page with a dark rectangle outline and a diagonal, as RGBA 0-255 (alpha 255), channels last. */
    static FloatTensor drawing() {
        float[] d = new float[SIZE * SIZE * 4];
        java.util.Random r = new java.util.Random(9);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                boolean rect = (x >= 60 && x <= 260 && (Math.abs(y - 80) < 3 || Math.abs(y - 240) < 3))
                        || (y >= 80 && y <= 240 && (Math.abs(x - 60) < 3 || Math.abs(x - 260) < 3));
                boolean diagonal = Math.abs(y - x) < 3 && x > 100 && x < 220;
                double v = rect || diagonal ? 30 : 225;
                for (int c = 0; c < 3; c++) {
                    d[(y * SIZE + x) * 4 + c] = (float) Math.min(255, Math.max(0, v + 3 * r.nextGaussian()));
                }
                d[(y * SIZE + x) * 4 + 3] = 255;
            }
        }
        return FloatTensor.wrapOwned(Shape.of(1, SIZE, SIZE, 4), d);
    }

    /** Centre probability summed over the top edge of the rectangle (centre map at half resolution). */
    static Target topEdge() {
        float[] mask = new float[160 * 160];
        for (int x = 40; x < 120; x++) {
            for (int y = 38; y < 43; y++) {
                mask[y * 160 + x] = 1;
            }
        }
        return Targets.region(0, FloatTensor.wrapOwned(Shape.of(160, 160), mask));
    }

    @Test
    void forwardOutputsAreUnchangedByConversionToOpset17() throws Exception {
        ModelProto old = OnnxModelReader.parse(Files.readAllBytes(model()), model().getFileName().toString());
        assertEquals(11, OnnxFormat.opset(old));
        ModelProto converted = OpsetConverter.upgrade(old, OpsetConverter.TARGET);
        FloatTensor x = drawing();
        for (String output : new String[] {"scores", "offsets"}) {
            double err = OrtOutputs.relativeError(OrtOutputs.run(converted, INPUT, x, output),
                    OrtOutputs.run(old, INPUT, x, output));
            assertTrue(err < 1e-5, output + ": converted output differs from the original's by " + err);
        }
    }

    @Test
    void regionGradientsOnTheCentreMapMatchFiniteDifferences() {
        try (OnnxModel m = OnnxModel.load(model(), Map.of("executionProvider", "cpu"))) {
            FloatTensor x = drawing();
            Target target = topEdge();
            LayerInfo layer = m.resolveLayer(LAYER);
            PassRequest request = PassRequest.builder(x).output(CENTRES).tap(layer.name()).inputGradient(true)
                    .seed(Targets.seedFor(List.of(target), 1)).build();
            PassResult r = m.run(request);
            assertEquals(Shape.of(1, 1, 160, 160), r.output().shape());
            double score = Targets.scores(List.of(target), r.output())[0];
            assertTrue(score > 5, "the rectangle's top edge is found (summed centre probability " + score + ")");
            FloatTensor gx = r.inputGradient().orElseThrow();
            FloatTensor ga = r.gradient(layer.name());
            FloatTensor a = r.activation(layer.name());
            assertTrue(gx.allFinite() && ga.allFinite() && gx.norm() > 0 && ga.norm() > 0, "non-trivial gradients");
            java.util.function.ToDoubleFunction<FloatTensor> f = t -> Targets.scores(List.of(target),
                    m.run(PassRequest.builder(t).output(CENTRES).build()).output())[0];
            // ReLU6 kinks sit close to the input: a step of 0.5 grey levels already crosses some (measured: -0.0087
            // against an analytic -0.0130 at one pixel, converging to it as the step shrinks), so 0.05.
            for (int i : Gradients.largest(gx, 3)) {
                Gradients.assertClose("input gradient at " + i, gx.getFlat(i),
                        FiniteDifferences.partial(f, x, i, 0.05), gx);
            }
            for (int i : Gradients.largest(ga, 3)) {
                double fd = FiniteDifferences.partial(t -> Targets.scores(List.of(target),
                        m.runHead(layer.name(), t, CENTRES, x))[0], a, i, 1e-2);
                Gradients.assertClose(layer.name() + " gradient at " + i, ga.getFlat(i), fd, ga);
            }
            FloatTensor v = Tensors.gaussian(x.shape(), 5);
            double dd = FiniteDifferences.directional(f, x, v, 0.5);
            double analytic = dot(gx, v) / v.norm();
            assertTrue(Math.abs(analytic - dd) <= 0.02 * Math.abs(analytic), "directional derivative: analytic "
                    + analytic + " vs finite difference " + dd);
        }
    }

    @Test
    void gradCamOfTheEdgeEqualsItsDefinition() {
        try (OnnxModel m = OnnxModel.load(model(), Map.of("executionProvider", "cpu"))) {
            FloatTensor x = drawing();
            Target target = topEdge();
            String tap = m.resolveLayer(LAYER).name();
            PassResult r = m.run(PassRequest.builder(x).output(CENTRES).tap(tap)
                    .seed(Targets.seedFor(List.of(target), 1)).build());
            double[] expected = Gradients.gradCam(r.activation(tap), r.gradient(tap));
            FloatTensor map = Explainer.gradCam(m).output(CENTRES).layer(LAYER).activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).upsample(false).build().explain(x, target).rawMaps();
            double err = Gradients.relativeError(map, expected);
            assertTrue(map.norm() > 0 && err < 1e-4, "Grad-CAM vs its definition: " + err);
            FloatTensor heat = Explainer.gradCam(m).output(CENTRES).layer(LAYER)
                    .outputSize(Size.ofTensorDims(SIZE, SIZE)).build().explain(x, target).heatmaps();
            assertEquals(Shape.of(1, SIZE, SIZE), heat.shape());
            assertTrue(heat.allFinite() && heat.max() > 0, "a non-blank heatmap");
        }
    }
}
