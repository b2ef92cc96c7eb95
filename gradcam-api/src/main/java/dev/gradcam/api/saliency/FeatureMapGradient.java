package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Layer activation with guided backpropagation: the gradient of one feature map of one layer ({@code sum |A_k|})
 * with respect to the input, showing which input pattern drives that filter (pytorch-cnn-visualizations'
 * {@code layer_activation_with_guided_backprop}). Needs {@link dev.gradcam.api.spi.Capability#LAYER_OUTPUT}.
 *
 * <p>Immutable and thread-safe when the model is.
 */
public final class FeatureMapGradient {

    private final GradientSaliency gradients;

    private FeatureMapGradient(GradientSaliency gradients) {
        this.gradients = gradients;
    }

    /**
     * Guided backpropagation from a layer.
     *
     * @throws dev.gradcam.api.UnknownLayerException          if the layer matches nothing
     * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend cannot give input gradients, guided
     *                                                        backpropagation or passes from a layer
     */
    public static FeatureMapGradient guided(DifferentiableModel model, String layer) {
        return of(model, layer, GradientMode.GUIDED);
    }

    /** As {@link #guided}, with another gradient mode (e.g. standard gradients). */
    public static FeatureMapGradient of(DifferentiableModel model, String layer, GradientMode mode) {
        InvalidArgumentException.requireNonNull(layer, "layer");
        return new FeatureMapGradient(GradientSaliency.of(model, mode).explaining(layer));
    }

    /** The method's name. */
    public String name() {
        return "feature-map-" + gradients.name();
    }

    /** The gradient of feature map {@code filter} for every image. */
    public Attribution attribute(FloatTensor images, int filter) {
        int[] filters = new int[Passes.batchOf(images)];
        java.util.Arrays.fill(filters, filter);
        return attribute(images, filters);
    }

    /**
     * The gradient of feature map {@code filters[i]} for image {@code i}.
     *
     * @throws dev.gradcam.api.InvalidInputException if the counts differ or a filter does not exist
     */
    public Attribution attribute(FloatTensor images, int[] filters) {
        InvalidArgumentException.requireNonNull(filters, "filters");
        List<Target> targets = new ArrayList<>(filters.length);
        for (int f : filters) {
            targets.add(FeatureMapTarget.absoluteSum(f));
        }
        Attribution a = gradients.attribute(images, targets);
        return a.derive(name(), a.attributions(), List.of());
    }
}
