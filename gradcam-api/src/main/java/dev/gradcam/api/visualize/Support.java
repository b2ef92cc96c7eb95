package dev.gradcam.api.visualize;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.Provenance;
import dev.gradcam.api.Size;
import dev.gradcam.api.internal.ModelRequirements;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.time.Duration;

/** Checks, input shapes and the single-scale run shared by the visualisations. Stateless. */
final class Support {

    private Support() {
    }

    static void requireInputGradient(DifferentiableModel model, String method) {
        ModelRequirements.requireInputGradient(model, method, "optimises the input along its gradient; use a backend "
                + "that provides it (onnx, nd4j)");
    }

    /** A layer query resolved to a tensor name; a layer that is not a model output needs LAYER_OUTPUT. */
    static String layer(DifferentiableModel model, String query, String method) {
        if (query == null) {
            throw new InvalidArgumentException(method + " needs a layer; set one with layer(...)");
        }
        return ModelRequirements.resolveOutput(model, query, method, "optimises the values of layer");
    }

    /** The shape of {@code n} start images: the model's declared input, at {@code imageSize} when given. */
    static Shape inputShape(DifferentiableModel model, int n, Size imageSize) {
        return ModelRequirements.inputShape(model, n, imageSize, "imageSize(Size.of(width, height))");
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
        return ModelRequirements.provenance(settings, layer != null ? layer : model.outputs().get(0).name(), model,
                GradientMode.STANDARD);
    }
}
