package dev.gradcam.cli.demo;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Models;
import dev.gradcam.api.image.Colormaps;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.numeric.Softmax;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.cli.render.Figure;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The demo behind {@code gradcam demo}: where PaddleOCR's text-direction classifier looks to decide that a line is
 * upright or upside down, and where its text detector sees text, written as two PNG figures.
 *
 * <p>Each run loads the models, explains, writes and closes them; nothing is kept between runs. Thread-safe.
 */
public final class OcrDemo {

    /** Width of the detector's page; a multiple of 32. */
    public static final int PAGE_WIDTH = 384;
    /** Height of the detector's page; a multiple of 32. */
    public static final int PAGE_HEIGHT = 192;
    /** Detector pixels above this probability form the region explained. */
    public static final float TEXT_THRESHOLD = 0.3f;

    private OcrDemo() {
    }

    /**
     * What the demo found and wrote.
     *
     * @param classifierFigure the classifier's figure
     * @param detectorFigure   the detector's figure
     * @param lines            human-readable findings, one per line
     */
    public record Result(Path classifierFigure, Path detectorFigure, List<String> lines) {
        public Result {
            lines = List.copyOf(lines);
        }
    }

    /**
     * Runs the demo.
     *
     * @param out     folder for {@code demo-classifier.png} and {@code demo-detector.png}, created if missing
     * @param method  how an explainer is made for a model, e.g. {@code Explainer::gradCam}
     * @param backend backend name, or null to choose automatically
     */
    public static Result run(Path out, String methodName, Function<DifferentiableModel, Explainer.Builder> method,
                             String backend) {
        Objects.requireNonNull(out, "out");
        Objects.requireNonNull(method, "method");
        List<String> lines = new ArrayList<>();
        Path classifierPng = out.resolve("demo-classifier.png");
        Path detectorPng = out.resolve("demo-detector.png");
        PngWriter.write(classifier(methodName, method, backend, lines), classifierPng);
        PngWriter.write(detector(methodName, method, backend, lines), detectorPng);
        return new Result(classifierPng, detectorPng, lines);
    }

    /** The classifier's figure: each line with the map for its predicted and for the opposite orientation. */
    static BufferedImage classifier(String methodName, Function<DifferentiableModel, Explainer.Builder> method,
                                    String backend, List<String> lines) {
        DemoModel cls = DemoModels.classifier();
        List<BufferedImage> images = DemoImages.linePair();
        List<String> names = List.of("upright", "upside down");
        FloatTensor batch = Images.toTensor(images, cls.preprocessing());
        try (DifferentiableModel model = Models.load(cls.file(), backend, Map.of())) {
            Explainer explainer = method.apply(model).layer(cls.layer()).build();
            FloatTensor logits = model.forward(batch);
            Explanation top = explainer.explain(batch);
            List<Target> opposite = new ArrayList<>();
            for (int i = 0; i < images.size(); i++) {
                opposite.add(Targets.classLogit(1 - top.targetClass(i)));
            }
            Explanation other = explainer.explain(batch, opposite);

            Figure.Builder fig = Figure.builder().columns(3).scale(2)
                    .title("Where the text-direction classifier looks (" + methodName + ")")
                    .subtitle("PaddleOCR ch_ppocr_mobile_v2.0_cls, class logits, layer " + cls.layer() + " ("
                            + mapSize(top) + " maps), " + model.backendName() + " on " + model.executionProvider());
            Overlay overlay = Overlay.defaults();
            for (int i = 0; i < images.size(); i++) {
                int predicted = top.targetClass(i);
                double p = probability(logits, i, predicted);
                lines.add(String.format("classifier: %-11s -> %s (p = %.3f)", names.get(i), cls.label(predicted), p));
                fig.panel(images.get(i), names.get(i), "input")
                        .panel(overlay.apply(images.get(i), top.heatmap(i)),
                                "predicted " + cls.label(predicted), String.format("p = %.3f", p))
                        .panel(overlay.apply(images.get(i), other.heatmap(i)),
                                "evidence for " + cls.label(1 - predicted),
                                String.format("p = %.3f", probability(logits, i, 1 - predicted)));
            }
            return fig.build().render();
        }
    }

    /** The detector's figure: the page, its text-probability map, and the map explaining the text region. */
    static BufferedImage detector(String methodName, Function<DifferentiableModel, Explainer.Builder> method,
                                  String backend, List<String> lines) {
        DemoModel det = DemoModels.detector();
        BufferedImage page = DemoImages.page(PAGE_WIDTH, PAGE_HEIGHT, false);
        FloatTensor input = Images.toTensor(page, det.preprocessing());
        try (DifferentiableModel model = Models.load(det.file(), backend, Map.of())) {
            FloatTensor prob = model.forward(input).slice(0).slice(0);
            FloatTensor mask = textMask(prob);
            int textPixels = (int) Math.round(mask.sum());
            Explainer explainer = method.apply(model).layer(det.layer()).build();
            Explanation e = explainer.explain(input, Targets.region(0, mask));
            lines.add(String.format("detector:   %d of %d pixels are text (p > %.1f); map explains their sum",
                    textPixels, mask.size(), TEXT_THRESHOLD));
            return Figure.builder().columns(3)
                    .title("Where the text detector sees text (" + methodName + ")")
                    .subtitle("PaddleOCR PP-OCRv4 det (DBNet), region target over pixels with p > " + TEXT_THRESHOLD
                            + ", layer " + det.layer() + " (" + mapSize(e) + " maps)")
                    .panel(page, "input", PAGE_WIDTH + " x " + PAGE_HEIGHT)
                    .panel(Colormaps.inferno().render(prob), "text probability", textPixels + " text pixels")
                    .panel(Overlay.defaults().apply(page, e.heatmap(0)), methodName, "region target")
                    .build().render();
        }
    }

    /** The size of an explanation's raw maps, e.g. {@code 2 x 96}. */
    static String mapSize(Explanation e) {
        return e.rawMaps().shape().dim(1) + " x " + e.rawMaps().shape().dim(2);
    }

    /** The softmax probability of class {@code c} for image {@code i} of a batch of logits [N, K]. */
    static double probability(FloatTensor logits, int i, int c) {
        double[] row = new double[logits.shape().intDim(1)];
        for (int j = 0; j < row.length; j++) {
            row[j] = logits.get(i, j);
        }
        return Softmax.of(row)[c];
    }

    /** 1 where the detector's probability exceeds {@link #TEXT_THRESHOLD}, else 0; [H, W]. */
    public static FloatTensor textMask(FloatTensor prob) {
        float[] m = new float[prob.size()];
        for (int i = 0; i < m.length; i++) {
            m[i] = prob.getFlat(i) > TEXT_THRESHOLD ? 1f : 0f;
        }
        return FloatTensor.wrapOwned(Shape.of(prob.shape().dims()), m);
    }
}
