package dev.gradcam.examples;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Models;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.cli.demo.DemoImages;
import dev.gradcam.cli.demo.DemoModel;
import dev.gradcam.cli.demo.DemoModels;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;

/**
 * Example 1: Grad-CAM on an ONNX model, the whole path in a dozen lines: load the model, turn images into a batch,
 * explain each image's top class at a layer, draw the heatmaps on the images.
 *
 * <p>The model is PaddleOCR's text-direction classifier (class 0: upright, class 1: upside down); the images are a
 * word rendered upright and upside down. Run: {@code mvn -q -pl examples exec:java
 * -Dexec.mainClass=dev.gradcam.examples.Example01_GradCamOnOnnx [-Dexec.args=OUT_DIR]}.
 */
public final class Example01_GradCamOnOnnx {

    private Example01_GradCamOnOnnx() {
    }

    /** Runs the example; the optional argument is the output folder (default {@code out/example01}). */
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "out/example01");
        Explanation e = run(DemoImages.linePair(), out);
        DemoModel classifier = DemoModels.classifier();
        for (int i = 0; i < e.size(); i++) {
            System.out.printf("image %d: class %d (%s), score %.3f%n", i, e.targetClass(i),
                    classifier.label(e.targetClass(i)), e.score(i));
        }
        System.out.println("wrote " + out.toAbsolutePath().resolve("gradcam-0.png") + " and more");
    }

    /**
     * Explains {@code images} with Grad-CAM and writes {@code gradcam-I.png} overlays into {@code out}.
     *
     * @return the explanation: heatmaps [N, 48, 192], raw maps [N, 2, 96], scores, provenance
     */
    public static Explanation run(List<BufferedImage> images, Path out) {
        DemoModel classifier = DemoModels.classifier();
        try (DifferentiableModel model = Models.load(classifier.file())) {
            // 1. An explainer: Grad-CAM at the last convolutional feature map.
            Explainer gradCam = Explainer.gradCam(model).layer(DemoModels.CLASSIFIER_LAYER).build();

            // 2. Images to a batch [N, 3, 48, 192]: resize, BGR, (v / 255 - 0.5) / 0.5.
            FloatTensor batch = Images.toTensor(images, classifier.preprocessing());

            // 3. Explain each image's top class.
            Explanation e = gradCam.explain(batch);

            // 4. Draw: jet colours blended onto the image, as pytorch-grad-cam's show_cam_on_image.
            Overlay overlay = Overlay.defaults();
            for (int i = 0; i < e.size(); i++) {
                BufferedImage picture = overlay.apply(images.get(i), e.heatmap(i));
                PngWriter.write(picture, out.resolve("gradcam-" + i + ".png"));
            }
            e.diagnostics().forEach(d -> System.out.println("note: " + d));
            return e;
        }
    }
}
