package dev.gradcam.examples;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Models;
import dev.gradcam.api.image.Colormaps;
import dev.gradcam.api.image.GradientImages;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.demo.DemoModels;
import dev.gradcam.cli.render.Figure;
import dev.gradcam.metrics.Localisation;
import dev.gradcam.nd4j.demo.ShapesDataset;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Example 8: where a vision transformer looks. A tiny ViT (4x4 patches of a 32x32 grey image, a class token, two
 * blocks of 4-head attention) trained on generated shapes ({@code vit/make_shapes_vit.py}: filled square, hollow
 * square, plus sign on noise) with token labelling (Jiang et al. 2021: every patch token also learns to say what its
 * patch holds) is explained on held-out images that {@link ShapesDataset} draws from a seed, so the object's box is
 * known. Grad-CAM and HiResCAM at the final normalisation ({@code norm}, tokens 1+8x8, which both heads read),
 * attention rollout and gradient-weighted attention rollout each explain the true class, and the pointing game
 * (Zhang et al. 2016: is the map's peak within {@link #TOLERANCE} pixels of the box?) scores them: all four find the
 * object in nearly every image. Without token labelling Grad-CAM misses about one image in four
 * (docs/transformers.md says why). Writes {@code vit-shapes.png} (a few images and each method's map, the box drawn)
 * and prints the scores. Run with an optional output folder argument.
 */
public final class Example08_VitShapes {

    static final String MODEL = "dev/gradcam/examples/vit/shapes_vit.onnx";
    static final String LAYER = "norm";
    /** Held-out images: the Python training script draws its own with numpy, never these. */
    static final int IMAGES = 60;
    static final long SEED = 2026;
    static final int SIZE = 32;
    /**
     * Pointing-game tolerance in pixels: half a 4-pixel patch, since the maps have one value per patch (Zhang et
     * al.'s 15 pixels at 224 x 224 is 2.1 pixels at 32 x 32).
     */
    static final double TOLERANCE = 2;

    private Example08_VitShapes() {
    }

    /**
     * What the example measured.
     *
     * @param accuracy share of held-out images classified correctly
     * @param maps     per method, the heatmaps [N, 32, 32] for the true classes
     * @param hits     per method, the pointing game per image (1 hit, 0 miss; {@link #TOLERANCE})
     */
    public record Result(double accuracy, Map<String, FloatTensor> maps, Map<String, double[]> hits) {

        /** The share of images where {@code method}'s peak lies in the object's box. */
        public double pointingGame(String method) {
            return Arrays.stream(hits.get(method)).average().orElse(Double.NaN);
        }
    }

    /** Runs the example; the optional argument is the output folder (default {@code out/example08}). */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "out/example08");
        Result r = run(out);
        System.out.println(table(r));
        System.out.println("wrote " + out.resolve("vit-shapes.png").toAbsolutePath());
    }

    /** Explains the held-out shapes with the three methods, scores them and writes the figure. */
    public static Result run(Path out) {
        ShapesDataset data = ShapesDataset.generate(IMAGES, SIZE, SEED);
        FloatTensor images = data.images();
        List<Target> truth = IntStream.of(data.labels()).mapToObj(Targets::classLogit).toList();
        Map<String, Function<DifferentiableModel, Explainer>> methods = new LinkedHashMap<>();
        methods.put("grad-cam", m -> Explainer.gradCam(m).layer(LAYER).build());
        methods.put("hires-cam", m -> Explainer.of(m, "hires-cam").layer(LAYER).build());
        methods.put("attention-rollout", m -> Explainer.of(m, CamMethods.attentionRollout()).build());
        methods.put("grad-attention-rollout", m -> Explainer.of(m, CamMethods.gradAttentionRollout()).build());
        Map<String, FloatTensor> maps = new LinkedHashMap<>();
        Map<String, double[]> hits = new LinkedHashMap<>();
        double accuracy;
        try (DifferentiableModel vit = Models.load(DemoModels.unpack(MODEL))) {
            accuracy = accuracy(vit.forward(images), data.labels());
            for (Map.Entry<String, Function<DifferentiableModel, Explainer>> e : methods.entrySet()) {
                FloatTensor heatmaps = e.getValue().apply(vit).explain(images, truth).heatmaps();
                maps.put(e.getKey(), heatmaps);
                hits.put(e.getKey(), Localisation.pointingGame(heatmaps, data.boxMasks(), TOLERANCE));
            }
        }
        Result r = new Result(accuracy, maps, hits);
        PngWriter.write(figure(r, data), out.resolve("vit-shapes.png"));
        return r;
    }

    private static double accuracy(FloatTensor logits, int[] labels) {
        int correct = 0;
        for (int i = 0; i < labels.length; i++) {
            correct += logits.slice(i).argMax() == labels[i] ? 1 : 0;
        }
        return correct / (double) labels.length;
    }

    /**
     * One row per image (the first two of each class: ShapesDataset draws the classes in turn): the input with its
     * box, then each method's map.
     */
    static BufferedImage figure(Result r, ShapesDataset data) {
        Figure.Builder fig = Figure.builder().columns(r.maps().size() + 1).scale(4)
                .title("A tiny ViT trained on shapes: where it looks")
                .subtitle(String.format(Locale.ROOT, "held-out accuracy %.0f %%; pointing game %s", 100 * r.accuracy(),
                        String.join(", ", r.maps().keySet().stream().map(m -> String.format(Locale.ROOT, "%s %.0f %%",
                                m, 100 * r.pointingGame(m))).toList())));
        Overlay overlay = Overlay.defaults().withColormap(Colormaps.turbo());
        String[] kinds = {"square", "frame", "cross"};
        for (int image = 0; image < 6; image++) {
            BufferedImage picture = GradientImages.normalized(data.images(image, image + 1).slice(0));
            fig.panel(boxed(picture, data.box(image)), kinds[data.label(image)], "image " + image);
            for (String method : r.maps().keySet()) {
                fig.panel(boxed(overlay.apply(picture, r.maps().get(method).slice(image)), data.box(image)), method,
                        r.hits().get(method)[image] > 0 ? "peak in box" : "peak outside");
            }
        }
        return fig.build().render();
    }

    private static BufferedImage boxed(BufferedImage picture, ShapesDataset.Box box) {
        BufferedImage copy = new BufferedImage(picture.getWidth(), picture.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = copy.createGraphics();
        g.drawImage(picture, 0, 0, null);
        g.setColor(Color.WHITE);
        g.setStroke(new BasicStroke(1));
        g.drawRect(box.x0(), box.y0(), box.x1() - box.x0(), box.y1() - box.y0());
        g.dispose();
        return copy;
    }

    /** The accuracy and each method's pointing game. */
    public static String table(Result r) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "held-out accuracy %.3f (%d images)%n",
                r.accuracy(), IMAGES));
        sb.append(String.format(Locale.ROOT, "%-24s %s%n", "method", "pointing game"));
        r.maps().keySet().forEach(m -> sb.append(String.format(Locale.ROOT, "%-24s %.3f%n", m, r.pointingGame(m))));
        return sb.toString();
    }
}
