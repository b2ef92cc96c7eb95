package dev.gradcam.api.visualize;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.LibraryVersion;
import dev.gradcam.api.Provenance;
import dev.gradcam.api.ResourceClosedException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.time.Duration;

/** Checks, input shapes and the single-scale run shared by the visualisations. Stateless. */
final class Support {

    private Support() {
    }

    static void requireInputGradient(DifferentiableModel model, String method) {
        if (model.isClosed()) {
            throw new ResourceClosedException("the model");
        }
        if (!model.capabilities().contains(Capability.INPUT_GRADIENT)) {
            throw new UnsupportedCapabilityException(Capability.INPUT_GRADIENT, model.backendName(),
                    method + " optimises the input along its gradient; use a backend that provides it (onnx, nd4j)");
        }
    }

    /** A layer query resolved to a tensor name; a layer that is not a model output needs LAYER_OUTPUT. */
    static String layer(DifferentiableModel model, String query, String method) {
        if (query == null) {
            throw new InvalidArgumentException(method + " needs a layer; set one with layer(...)");
        }
        String name = model.outputs().stream().map(ValueInfo::name).anyMatch(query::equals) ? query
                : model.resolveLayer(query).name();
        if (model.outputs().stream().map(ValueInfo::name).noneMatch(name::equals)
                && !model.capabilities().contains(Capability.LAYER_OUTPUT)) {
            throw new UnsupportedCapabilityException(Capability.LAYER_OUTPUT, model.backendName(),
                    method + " optimises the values of layer " + name
                            + "; use a backend that runs passes from a layer");
        }
        return name;
    }

    /**
     * The shape of {@code n} inputs: the model's declared input with sizes {@code height} x {@code width} where the
     * model leaves them open (or where given, which must then agree).
     */
    static Shape inputShape(DifferentiableModel model, int n, int height, int width) {
        Shape declared = model.inputs().get(0).shape();
        long[] dims = declared.dims();
        dims[0] = n;
        if (dims.length >= 3 && height > 0) {
            dims[dims.length - 2] = height;
            dims[dims.length - 1] = width;
        }
        Shape s = Shape.of(dims);
        if (!s.isStatic()) {
            throw new InvalidInputException("the model's input " + declared + " has open sizes; set the image size "
                    + "with imageSize(height, width)");
        }
        if (!declared.accepts(s)) {
            throw new InvalidInputException("the model's input is " + declared + "; images of shape " + s
                    + " do not fit it");
        }
        return s;
    }

    /** One optimisation at one scale, with the objective measured at the start and at the end. */
    static Visualization run(String method, String layer, Objective objective, FloatTensor start, Optimization opt,
                             DifferentiableModel model) {
        long t0 = System.nanoTime();
        double[] initial = objective.values(start);
        InputOptimizer.Run run = InputOptimizer.run(objective, start, opt, 0, opt.steps(), 0);
        double[] result = objective.values(run.images());
        return new Visualization(method, run.images(), run.history(), initial, result, objective.maximize(),
                provenance(method, layer, model, opt), Duration.ofNanos(System.nanoTime() - t0));
    }

    static Provenance provenance(String method, String layer, DifferentiableModel model, Optimization opt) {
        String settings = method + "(" + opt.steps() + " steps, " + opt.optimizer().describe() + ", seed "
                + opt.seed() + ")";
        return new Provenance(settings, layer != null ? layer : model.outputs().get(0).name(), model.backendName(),
                model.executionProvider(), GradientMode.STANDARD.describe(), LibraryVersion.get(), model.provenance());
    }
}
