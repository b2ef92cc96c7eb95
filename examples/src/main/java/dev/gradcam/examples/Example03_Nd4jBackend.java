package dev.gradcam.examples;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.image.Colormaps;
import dev.gradcam.api.image.GradientImages;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.render.Figure;
import dev.gradcam.metrics.Localisation;
import dev.gradcam.nd4j.SameDiffModel;
import dev.gradcam.nd4j.demo.ShapesCnn;
import dev.gradcam.nd4j.demo.ShapesDataset;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Locale;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * Example 3: the ND4J backend. The same {@link Explainer} runs on a SameDiff graph, with gradients from SameDiff's
 * own autodiff instead of ONNX Runtime: train a small CNN in seconds on generated shapes (squares, frames, crosses
 * on noise), wrap the graph in a {@link SameDiffModel}, explain held-out images, and check with the pointing game
 * that each map's peak lies on the object.
 *
 * <p>ND4J runs on the CPU here (linux-x86_64); its natives unpack into {@code ~/.javacpp/cache} on first use. A
 * SameDiff model serialises its passes, so use one model per thread for parallel work. Run with an optional output
 * folder argument.
 */
public final class Example03_Nd4jBackend {

    /** Side of the generated images. */
    public static final int SIZE = 32;

    private Example03_Nd4jBackend() {
    }

    /**
     * What the example measured.
     *
     * @param accuracy    held-out classification accuracy
     * @param pointing    fraction of held-out maps whose peak lies in the object's box
     * @param explanation the held-out explanation
     */
    public record Result(double accuracy, double pointing, Explanation explanation) {
    }

    /** Runs the example; the optional argument is the output folder (default {@code out/example03}). */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "out/example03");
        Result r = run(600, 60, out);
        System.out.printf("accuracy %.1f%%, pointing game %.1f%% on %d held-out images, %s on %s%n",
                100 * r.accuracy(), 100 * r.pointing(), r.explanation().size(),
                r.explanation().provenance().backend(), r.explanation().provenance().executionProvider());
        System.out.println("wrote " + out.resolve("nd4j-shapes.png").toAbsolutePath());
    }

    /**
     * Trains on {@code trainCount} images, explains {@code testCount} others, writes {@code nd4j-shapes.png}.
     */
    public static Result run(int trainCount, int testCount, Path out) {
        ShapesDataset train = ShapesDataset.generate(trainCount, SIZE, 1);
        ShapesDataset test = ShapesDataset.generate(testCount, SIZE, 2);
        SameDiff graph = ShapesCnn.trained(train);
        double accuracy = ShapesCnn.accuracy(graph, test);

        try (SameDiffModel model = SameDiffModel.builder(graph)
                .input(ShapesCnn.INPUT).outputs(ShapesCnn.LOGITS).build()) {
            Explainer gradCam = Explainer.gradCam(model).layer(ShapesCnn.FEATURES).build();
            FloatTensor images = test.images();
            Explanation e = gradCam.explain(images);
            double[] hits = Localisation.pointingGame(e.heatmaps(), test.boxMasks(), 0);
            double pointing = java.util.Arrays.stream(hits).average().orElse(0);

            Figure.Builder fig = Figure.builder().columns(6).scale(4)
                    .title("Grad-CAM on a SameDiff CNN (ND4J backend)")
                    .subtitle(String.format("pointing game %.0f%%, accuracy %.0f%% on %d held-out images",
                            100 * pointing, 100 * accuracy, test.count()));
            Overlay overlay = Overlay.defaults().withColormap(Colormaps.turbo());
            for (int i = 0; i < Math.min(6, test.count()); i++) {
                BufferedImage picture = GradientImages.normalized(images.slice(i));
                String kind = ShapesDataset.Kind.values()[test.label(i)].name().toLowerCase(Locale.ROOT);
                boolean hit = hits[i] == 1;
                fig.panel(overlay.apply(picture, e.heatmap(i)),
                        kind, hit ? "peak on object" : "peak off object");
            }
            PngWriter.write(fig.build().render(), out.resolve("nd4j-shapes.png"));
            return new Result(accuracy, pointing, e);
        }
    }
}
