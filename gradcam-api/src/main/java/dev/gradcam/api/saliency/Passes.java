package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Provenance;
import dev.gradcam.api.internal.ModelRequirements;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/** Checks and passes shared by the attribution methods. Stateless. */
final class Passes {

    private Passes() {
    }

    /** Fails unless the backend gives input gradients, naming the method that needs them. */
    static void requireInputGradient(DifferentiableModel model, String method) {
        ModelRequirements.requireInputGradient(model, method, "attributes pixels from the gradient with respect to "
                + "the input; use a backend that provides it (onnx, nd4j), or a class-activation method (Explainer), "
                + "which needs only layer gradients");
    }

    /** Fails unless the backend accepts the gradient mode. */
    static void requireMode(DifferentiableModel model, GradientMode mode, String method) {
        ModelRequirements.requireMode(model, mode, method);
    }

    /**
     * The tensor name for an output query: null stays null (the first output), a model output's name stays as is,
     * anything else is resolved as a layer, which needs {@link Capability#LAYER_OUTPUT}.
     */
    static String resolveOutput(DifferentiableModel model, String query, String method) {
        return query == null ? null : ModelRequirements.resolveOutput(model, query, method, "explains layer");
    }

    /** The batch size of {@code [N, ...]} inputs. */
    static int batchOf(FloatTensor images) {
        InvalidArgumentException.requireNonNull(images, "images");
        Shape s = images.shape();
        if (s.rank() < 2 || s.dim(0) < 1) {
            throw new InvalidInputException("inputs must be a non-empty batch [N, ...] (images [N, C, H, W]), got "
                    + s);
        }
        return s.intDim(0);
    }

    /** Checks one target per image. */
    static List<Target> checkTargets(List<Target> targets, int n) {
        InvalidArgumentException.requireNonNull(targets, "targets");
        if (targets.size() != n) {
            throw new InvalidInputException("need one target per image: " + n + " images, " + targets.size()
                    + " targets");
        }
        return List.copyOf(targets);
    }

    /** One pass returning the output and the input gradient of {@code batch}. */
    static PassResult inputGradient(DifferentiableModel model, GradientMode mode, String output, FloatTensor batch,
                                    List<Target> targets) {
        return model.run(PassRequest.builder(batch).output(output).mode(mode).inputGradient(true)
                .seed(Targets.seedFor(targets, batch.shape().intDim(0))).build());
    }

    /** The input gradient of a pass, failing clearly if the backend left it out. */
    static FloatTensor gradientOf(PassResult r, DifferentiableModel model) {
        return r.inputGradient().orElseThrow(() -> new InvalidInputException("backend '" + model.backendName()
                + "' returned no input gradient although one was requested"));
    }

    /** Each image's explained class, -1 where the target is not about a class. */
    static int[] classes(List<Target> targets, FloatTensor outputs) {
        int[] c = new int[targets.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = targets.get(i).classIndex(outputs.slice(i)).orElse(-1);
        }
        return c;
    }

    /** Each target's description. */
    static List<String> describe(List<Target> targets) {
        return targets.stream().map(Target::describe).toList();
    }

    /** Provenance of a pixel-space method; {@code layer} null means the model input. */
    static Provenance provenance(String method, String layer, DifferentiableModel model, GradientMode mode) {
        return ModelRequirements.provenance(method, layer != null ? layer : model.inputs().get(0).name(), model, mode);
    }

    /** Rows {@code from..to} of a batch, as one tensor. */
    static FloatTensor rows(FloatTensor batch, int from, int to) {
        List<FloatTensor> parts = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            parts.add(batch.slice(i));
        }
        return FloatTensor.stack(parts);
    }

    /** Checks a batch size setting. */
    static int checkBatchSize(int batchSize) {
        if (batchSize < 1) {
            throw new InvalidArgumentException("batch size must be at least 1, got " + batchSize);
        }
        return batchSize;
    }
}
