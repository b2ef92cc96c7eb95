package dev.gradcam.examples;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Models;
import dev.gradcam.api.cam.FeatureMapSelector;
import dev.gradcam.api.cam.FeatureMapSelectors;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.demo.DemoImages;
import dev.gradcam.cli.demo.DemoModel;
import dev.gradcam.cli.demo.DemoModels;
import dev.gradcam.cli.render.Figure;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Example 2: which feature maps matter? Grad-CAM sums {@code w_k * A_k} over all channels; a
 * {@link FeatureMapSelector} decides which channels take part. This example draws, side by side in one PNG strip,
 * the map of all channels, of the positively weighted ones (the evidence for the class), of the negatively weighted
 * ones (evidence against it), of the near-zero ones, and of a selector written here,
 * {@link TopContributingChannels}: the ten channels that add the most to the map.
 *
 * <p>Maps of negative and near-zero channels are drawn as magnitudes ({@link MapActivation#ABS}): under Grad-CAM's
 * ReLU the map of negative evidence is blank by construction. Run with an optional output folder argument.
 */
public final class Example02_CustomFeatureMapSelector {

    /** Near zero means a weight magnitude of at most this fraction of the largest. */
    public static final double NEAR_ZERO_FRACTION = 0.05;

    /** The selectors whose maps are drawn as magnitudes: under ReLU their maps would be blank. */
    private static final Set<String> MAGNITUDE = Set.of("negative", "near zero");

    private Example02_CustomFeatureMapSelector() {
    }

    /** Runs the example; the optional argument is the output folder (default {@code out/example02}). */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "out/example02");
        Map<String, Explanation> maps = run(DemoImages.upright(), out);
        maps.forEach((name, e) -> System.out.printf("%-18s %3d of %d channels%n", name, e.mask(0).count(),
                e.mask(0).channels()));
        System.out.println("wrote " + out.resolve("selectors.png").toAbsolutePath());
    }

    /**
     * Explains {@code image}'s top class with each selector and writes {@code selectors.png} into {@code out}.
     *
     * @return each selector's explanation, by the caption shown in the strip
     */
    public static Map<String, Explanation> run(BufferedImage image, Path out) {
        DemoModel classifier = DemoModels.classifier();
        try (DifferentiableModel model = Models.load(classifier.file())) {
            FloatTensor input = Images.toTensor(image, classifier.preprocessing());
            Explainer all = Explainer.gradCam(model).layer(DemoModels.CLASSIFIER_LAYER).build();
            Explanation plain = all.explain(input);

            // "Near zero" depends on the scale of the weights: look at them first.
            FloatTensor w = plain.weights(0);
            double eps = NEAR_ZERO_FRACTION * Math.max(Math.abs(w.max()), Math.abs(w.min()));

            Map<String, FeatureMapSelector> selectors = new LinkedHashMap<>();
            selectors.put("positive", FeatureMapSelectors.positive());
            selectors.put("negative", FeatureMapSelectors.negative());
            selectors.put("near zero", FeatureMapSelectors.nearZero(eps));
            selectors.put("top 10 contributors", new TopContributingChannels(10));

            Map<String, Explanation> results = new LinkedHashMap<>();
            results.put("all", plain);
            for (Map.Entry<String, FeatureMapSelector> s : selectors.entrySet()) {
                MapActivation act = MAGNITUDE.contains(s.getKey()) ? MapActivation.ABS : MapActivation.RELU;
                Explainer explainer = all.toBuilder().selector(s.getValue()).activation(act).build();
                results.put(s.getKey(), explainer.explain(input));
            }

            Figure.Builder strip = Figure.builder().scale(1.5)
                    .title("Which feature maps matter? Grad-CAM with feature-map selectors")
                    .subtitle("PaddleOCR text-direction classifier, class " + classifier.label(plain.targetClass(0))
                            + ", layer " + DemoModels.CLASSIFIER_LAYER + "; near zero: |w| <= "
                            + NEAR_ZERO_FRACTION + " max |w|");
            Overlay overlay = Overlay.defaults();
            for (Map.Entry<String, Explanation> r : results.entrySet()) {
                Explanation e = r.getValue();
                String caption = r.getKey() + (MAGNITUDE.contains(r.getKey()) ? " |map|" : "");
                strip.panel(overlay.apply(image, e.heatmap(0)), caption,
                        e.mask(0).count() + " of " + e.mask(0).channels() + " channels");
            }
            PngWriter.write(strip.build().render(), out.resolve("selectors.png"));
            return results;
        }
    }
}
