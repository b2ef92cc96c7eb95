package dev.gradcam.examples;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Models;
import dev.gradcam.api.image.Colormaps;
import dev.gradcam.api.image.GradientImages;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.saliency.Saliency;
import dev.gradcam.api.saliency.SaliencyMaps;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.demo.DemoModels;
import dev.gradcam.cli.render.CurvePlot;
import dev.gradcam.cli.render.Figure;
import dev.gradcam.metrics.MapFunction;
import dev.gradcam.metrics.SanityChecks;
import dev.gradcam.onnx.model.ParameterRandomization;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Example 7: sanity checks for saliency maps (Adebayo et al. 2018) on a small trained CNN (shapes, 99 % accuracy;
 * {@code sanity/make_shapes_cnn.py}). The model's layers are re-initialised from the output backwards by rewriting
 * the ONNX initializers ({@link ParameterRandomization}), and each method re-explains the same images at every step.
 * Grad-CAM's maps fall apart as soon as the classifier layer is random, as a method that explains the model must;
 * guided backpropagation's stay much alike, because they mostly show the image's edges. Writes
 * {@code sanity-strip.png} (maps per step), {@code sanity-similarity.png} (Spearman per step) and prints the table
 * and the random-logit test. Run with an optional output folder argument.
 */
public final class Example07_SanityChecks {

    static final String MODEL = "dev/gradcam/examples/sanity/shapes_cnn.onnx";
    static final String IMAGES = "dev/gradcam/examples/sanity/shapes_images.npy";
    static final String LAYER = "features.7";

    private Example07_SanityChecks() {
    }

    /**
     * What the example measured.
     *
     * @param cascades    per method, similarity to the trained model's maps at every step
     * @param randomLogit per method, mean SSIM between the map of the explained class and of a random other class
     */
    public record Result(List<SanityChecks.Cascade> cascades, Map<String, Double> randomLogit) {

        /** The cascade of {@code method}. */
        public SanityChecks.Cascade cascade(String method) {
            return cascades.stream().filter(c -> c.method().equals(method)).findFirst().orElseThrow();
        }
    }

    /** Runs the example; the optional argument is the output folder (default {@code out/example06}). */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "out/example06");
        Result r = run(out);
        System.out.println(table(r));
        System.out.println("wrote " + out.resolve("sanity-strip.png").toAbsolutePath() + " and "
                + out.resolve("sanity-similarity.png").getFileName());
    }

    /** Runs the cascade for Grad-CAM, guided backprop and the vanilla gradient and writes the figures. */
    public static Result run(Path out) {
        Path model = DemoModels.unpack(MODEL);
        FloatTensor images = Npy.read(DemoModels.unpack(IMAGES));
        List<Target> top = Collections.nCopies(images.shape().intDim(0), Targets.topClass());
        Map<String, Function<DifferentiableModel, MapFunction>> methods = new LinkedHashMap<>();
        methods.put("grad-cam", m -> {
            Explainer e = Explainer.gradCam(m).layer(LAYER).build();
            return (x, t) -> e.explain(x, t).heatmaps();
        });
        methods.put("guided-backprop", m -> (x, t) -> SaliencyMaps.grayscale(Saliency.guided(m).attribute(x, t)
                .attributions()));
        methods.put("vanilla-gradient", m -> (x, t) -> SaliencyMaps.grayscale(Saliency.vanilla(m).attribute(x, t)
                .attributions()));
        try {
            Path dir = Files.createTempDirectory("gradcam-sanity");
            List<SanityChecks.Step> steps = new ArrayList<>();
            for (ParameterRandomization.Step s : ParameterRandomization.cascade(model, dir, 0)) {
                steps.add(new SanityChecks.Step(s.lastLayer(), () -> Models.load(s.model())));
            }
            List<SanityChecks.Cascade> cascades = new ArrayList<>();
            Map<String, Double> randomLogit = new LinkedHashMap<>();
            try (DifferentiableModel m = Models.load(model)) {
                for (Map.Entry<String, Function<DifferentiableModel, MapFunction>> e : methods.entrySet()) {
                    cascades.add(SanityChecks.cascade(e.getKey(), e.getValue(), m, steps, images, top));
                    double[] ssim = SanityChecks.randomLogit(m, e.getValue().apply(m), images, top, 3, 0);
                    randomLogit.put(e.getKey(), java.util.Arrays.stream(ssim).average().orElse(Double.NaN));
                }
            }
            Result r = new Result(cascades, randomLogit);
            PngWriter.write(strip(r, images), out.resolve("sanity-strip.png"));
            PngWriter.write(similarityPlot(r), out.resolve("sanity-similarity.png"));
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The well-known strip: one row per method, one column per step, image 0's map fading as layers go random. */
    static BufferedImage strip(Result r, FloatTensor images) {
        int columns = r.cascades().get(0).steps().size() + 1;
        Figure.Builder fig = Figure.builder().columns(columns).scale(4)
                .title("Cascading parameter randomisation (Adebayo et al. 2018)")
                .subtitle("layers re-initialised from the output backwards; Spearman to the trained model's map");
        Overlay overlay = Overlay.defaults().withColormap(Colormaps.turbo());
        BufferedImage picture = GradientImages.normalized(images.slice(0));
        for (SanityChecks.Cascade c : r.cascades()) {
            fig.panel(picture, c.method(), "input");
            for (SanityChecks.StepResult s : c.steps()) {
                fig.panel(overlay.apply(picture, s.maps().slice(0)), s.step(),
                        String.format(Locale.ROOT, "rho %.2f", s.spearman()[0]));
            }
        }
        return fig.build().render();
    }

    static BufferedImage similarityPlot(Result r) {
        int n = r.cascades().get(0).steps().size();
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
        }
        CurvePlot.Builder b = CurvePlot.builder("Similarity to the trained model's maps",
                "layers randomised (from the output)", "mean Spearman rank correlation", x);
        for (SanityChecks.Cascade c : r.cascades()) {
            b.series(c.method(), c.steps().stream().mapToDouble(SanityChecks.StepResult::meanSpearman).toArray());
        }
        return b.build().render();
    }

    /** The table: mean Spearman / SSIM / HOG per method and step, then the random-logit SSIM. */
    public static String table(Result r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-18s %-28s %9s %7s %7s%n", "method",
                "randomised up to", "spearman", "ssim", "hog"));
        for (SanityChecks.Cascade c : r.cascades()) {
            for (SanityChecks.StepResult s : c.steps()) {
                sb.append(String.format(Locale.ROOT, "%-18s %-28s %9.3f %7.3f %7.3f%n", c.method(), s.step(),
                        s.meanSpearman(), s.meanSsim(), s.meanHog()));
            }
        }
        sb.append("random-logit test (SSIM of the explained class's map and a random other class's; low is good):\n");
        r.randomLogit().forEach((m, v) -> sb.append(String.format(Locale.ROOT, "  %-18s %.3f%n", m, v)));
        return sb.toString();
    }
}
