package dev.gradcam.api.internal;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.LibraryVersion;
import dev.gradcam.api.Provenance;
import dev.gradcam.api.ResourceClosedException;
import dev.gradcam.api.Size;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.Shape;

/**
 * What the pixel-space attributions ({@code saliency}), the input optimisations ({@code visualize}) and the
 * explainer's warm-up check of a model before they run, and the values they derive from it, in one place so their
 * errors agree. Stateless.
 */
public final class ModelRequirements {

    private ModelRequirements() {
    }

    /**
     * Fails unless the model is open and gives input gradients.
     *
     * @param method the method's name, for the message
     * @param advice why the method needs them and what to use instead
     */
    public static void requireInputGradient(DifferentiableModel model, String method, String advice) {
        InvalidArgumentException.requireNonNull(model, "model");
        if (model.isClosed()) {
            throw new ResourceClosedException("the model");
        }
        if (!model.capabilities().contains(Capability.INPUT_GRADIENT)) {
            throw new UnsupportedCapabilityException(Capability.INPUT_GRADIENT, model.backendName(),
                    method + " " + advice);
        }
    }

    /** Fails unless the backend accepts the gradient mode. */
    public static void requireMode(DifferentiableModel model, GradientMode mode, String method) {
        InvalidArgumentException.requireNonNull(model, "model");
        if (!model.supports(mode)) {
            throw new UnsupportedCapabilityException("gradient mode '" + mode.describe() + "'", model.backendName(),
                    method + " needs it; this backend offers " + model.gradientModes());
        }
    }

    /**
     * The tensor name for a query naming what a method explains or optimises: a model output's name stays as is,
     * anything else is resolved as a layer, which needs {@link Capability#LAYER_OUTPUT} unless it is an output.
     *
     * @param use what the method does with it, for the message ("explains layer X directly")
     */
    public static String resolveOutput(DifferentiableModel model, String query, String method, String use) {
        InvalidArgumentException.requireNonNull(model, "model");
        InvalidArgumentException.requireNonNull(query, "query");
        if (model.outputs().stream().map(ValueInfo::name).anyMatch(query::equals)) {
            return query;
        }
        String layer = model.resolveLayer(query).name();
        if (model.outputs().stream().map(ValueInfo::name).anyMatch(layer::equals)) {
            return layer;
        }
        if (!model.capabilities().contains(Capability.LAYER_OUTPUT)) {
            throw new UnsupportedCapabilityException(Capability.LAYER_OUTPUT, model.backendName(),
                    method + " " + use + " " + layer + "; choose a model output "
                            + model.outputs().stream().map(ValueInfo::name).toList() + " or another backend");
        }
        return layer;
    }

    /**
     * The shape of {@code n} inputs: the model's declared first input with batch {@code n} and, when
     * {@code imageSize} is given, that size on the last two axes (which must then agree with the declared ones).
     *
     * @param howToSize how the caller sets a size, for the message when the model leaves it open
     * @throws InvalidInputException if a size stays open or the shape does not fit the model
     */
    public static Shape inputShape(DifferentiableModel model, int n, Size imageSize, String howToSize) {
        InvalidArgumentException.requireNonNull(model, "model");
        Shape declared = model.inputs().get(0).shape();
        long[] dims = declared.dims();
        dims[0] = n;
        if (imageSize != null && dims.length >= 3) {
            dims[dims.length - 2] = imageSize.height();
            dims[dims.length - 1] = imageSize.width();
        }
        Shape s = Shape.of(dims);
        if (!s.isStatic()) {
            throw new InvalidInputException("the model's input " + declared + " has open sizes; set the image size "
                    + "with " + howToSize);
        }
        if (!declared.accepts(s)) {
            throw new InvalidInputException("the model's input is " + declared + "; images of shape " + s
                    + " do not fit it");
        }
        return s;
    }

    /** The provenance of a method that explains or optimises {@code layer} (a tensor name) of {@code model}. */
    public static Provenance provenance(String methodSettings, String layer, DifferentiableModel model,
                                        GradientMode mode) {
        InvalidArgumentException.requireNonNull(methodSettings, "methodSettings");
        InvalidArgumentException.requireNonNull(layer, "layer");
        InvalidArgumentException.requireNonNull(model, "model");
        InvalidArgumentException.requireNonNull(mode, "mode");
        return new Provenance(methodSettings, layer, model.backendName(), model.executionProvider(), mode.describe(),
                LibraryVersion.get(), model.provenance());
    }
}
