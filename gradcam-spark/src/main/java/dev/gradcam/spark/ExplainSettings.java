package dev.gradcam.spark;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What each task needs to explain its partition; shipped to the executors with the task.
 *
 * @param modelFile      the model's file name, as shipped with {@code SparkContext.addFile}
 * @param modelSha256    the model file's SHA-256, for provenance
 * @param backend        the backend's name
 * @param backendOptions backend options, ONNX Runtime's thread count included
 * @param method         the method's kebab-case name
 * @param layers         the layers (one or more)
 * @param customizer     further explainer settings, or null
 * @param preprocessing  how images become tensors
 * @param imageColumn    the index of the image column in the input rows
 * @param input          what that column holds
 * @param nameColumn     the index of a path column used to name images in errors, or -1
 * @param targetColumn   the index of the target class column, or -1 for a fixed target
 * @param targetClass    the fixed target class, or -1 for each image's top class
 * @param overlay        whether to render overlay PNGs
 * @param overlayAlpha   the heatmap's opacity in overlays
 * @param batchSize      images per model call
 * @param metrics        evaluation metrics to add per image (gradcam-metrics names), possibly none
 */
record ExplainSettings(String modelFile, String modelSha256, String backend, Map<String, String> backendOptions,
                       String method, List<String> layers, ExplainerCustomizer customizer,
                       PreprocessingSpec preprocessing, int imageColumn, ImageInput input, int nameColumn,
                       int targetColumn, int targetClass, boolean overlay, double overlayAlpha, int batchSize,
                       List<String> metrics)
        implements Serializable {

    private static final long serialVersionUID = 1L;

    ExplainSettings {
        backendOptions = Map.copyOf(backendOptions);
        layers = List.copyOf(layers);
        metrics = List.copyOf(metrics);
    }

    /** The explainer these settings describe, for a loaded model. */
    Explainer explainer(DifferentiableModel model) {
        Explainer.Builder b = Explainer.of(model, method).layers(layers);
        if (customizer != null) {
            b = customizer.customize(b);
        }
        return b.build();
    }
}
