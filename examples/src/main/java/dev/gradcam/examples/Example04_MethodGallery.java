package dev.gradcam.examples;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Models;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.demo.DemoImages;
import dev.gradcam.cli.demo.DemoModel;
import dev.gradcam.cli.demo.DemoModels;
import dev.gradcam.cli.demo.OcrDemo;
import dev.gradcam.cli.render.Figure;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Example 4: every method on one image. PaddleOCR's text detector looks at a rendered page; each built-in method
 * ({@link CamMethods#names()}) explains the same target, the detector's text pixels (a region target), at the same
 * layer, and the maps are laid out in one labelled grid with their timings. This picture is the README's.
 *
 * <p>Run: {@code mvn -q -pl examples exec:java -Dexec.mainClass=dev.gradcam.examples.Example04_MethodGallery
 * -Dexec.args=docs/images/gallery.png} (default {@code out/gallery.png}).
 */
public final class Example04_MethodGallery {

    private Example04_MethodGallery() {
    }

    /** Runs the example; the optional argument is the PNG to write (default {@code out/gallery.png}). */
    public static void main(String[] args) {
        Path png = Path.of(args.length > 0 ? args[0] : "out/gallery.png");
        // The attention rollouts explain vision transformers; the detector has no attention.
        Map<String, Explanation> maps = run(CamMethods.names().stream().filter(n -> !n.endsWith("attention-rollout"))
                .toList(), png);
        maps.forEach((method, e) -> System.out.printf("%-28s %8.1f ms%n", method,
                e.timings().total().toNanos() / 1e6));
        System.out.println("wrote " + png.toAbsolutePath());
    }

    /**
     * Explains the demo page with each named method and writes the gallery to {@code png}. A method the backend
     * cannot run (say, FullGrad without bias gradients) is named in the subtitle and left out of the result.
     *
     * @param methods method names, as {@link CamMethods#names()}
     * @return each method's explanation, in order
     */
    public static Map<String, Explanation> run(List<String> methods, Path png) {
        DemoModel detector = DemoModels.detector();
        BufferedImage page = DemoImages.page(OcrDemo.PAGE_WIDTH, OcrDemo.PAGE_HEIGHT, false);
        FloatTensor input = Images.toTensor(page, detector.preprocessing());
        Map<String, Explanation> results = new LinkedHashMap<>();
        try (DifferentiableModel model = Models.load(detector.file())) {
            // The target: the sum of the text probability over the pixels the detector calls text.
            FloatTensor probability = model.forward(input).slice(0).slice(0);
            Target text = Targets.region(0, OcrDemo.textMask(probability));
            // Warm-up, so that timings exclude compiling the gradient graph (cached per layer and input shape).
            Explainer.gradCam(model).layer(detector.layer()).build().explain(input, text);

            Overlay overlay = Overlay.defaults();
            List<String> skipped = new ArrayList<>();
            Figure.Builder grid = Figure.builder().columns(4).scale(0.75)
                    .title("Grad-CAM and friends on PaddleOCR's text detector")
                    .panel(page, "input", OcrDemo.PAGE_WIDTH + " x " + OcrDemo.PAGE_HEIGHT);
            for (String method : methods) {
                Explainer explainer;
                try {
                    explainer = Explainer.of(model, method).layer(detector.layer()).build();
                } catch (UnsupportedCapabilityException e) {
                    System.out.println("skipped " + method + ": " + e.getMessage());
                    skipped.add(method);
                    continue;
                }
                Explanation e = explainer.explain(input, text);
                results.put(method, e);
                grid.panel(overlay.apply(page, e.heatmap(0)), method,
                        String.format("%.0f ms", e.timings().total().toNanos() / 1e6));
            }
            // The subtitle names the skipped methods, known only now.
            grid.subtitle("Region target: the pixels the detector calls text. Layer " + detector.layer()
                    + ", " + model.backendName() + " on " + model.executionProvider() + "."
                    + (skipped.isEmpty() ? "" : " Not supported here: " + String.join(", ", skipped) + "."));
            PngWriter.write(grid.build().render(), png);
        }
        return results;
    }
}
