package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The gradient of the target with respect to the input, in one pass: vanilla backpropagation saliency (Simonyan et
 * al. 2014), guided backpropagation (Springenberg et al. 2015) or deconvnet (Zeiler and Fergus 2014), by gradient
 * mode. The target may be about a model output or, with {@link #explaining(String)}, about any layer.
 *
 * <p>Immutable and thread-safe when the model is.
 */
public final class GradientSaliency implements AttributionMethod {

    private final DifferentiableModel model;
    private final GradientMode mode;
    private final String name;
    private final String output;

    private GradientSaliency(DifferentiableModel model, GradientMode mode, String name, String output) {
        this.model = model;
        this.mode = mode;
        this.name = name;
        this.output = output;
    }

    /**
     * The method for a gradient mode.
     *
     * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks input gradients or the mode
     */
    public static GradientSaliency of(DifferentiableModel model, GradientMode mode) {
        InvalidArgumentException.requireNonNull(mode, "mode");
        String name = mode.equals(GradientMode.STANDARD) ? "vanilla-backprop"
                : mode.equals(GradientMode.GUIDED) ? "guided-backprop" : mode.name();
        Passes.requireInputGradient(model, name);
        Passes.requireMode(model, mode, name);
        return new GradientSaliency(model, mode, name, null);
    }

    /**
     * This method explaining another output, or a layer (a tensor name, node name or module path) when the backend
     * declares {@link dev.gradcam.api.spi.Capability#LAYER_OUTPUT}; targets then see that layer's values.
     *
     * @throws dev.gradcam.api.UnknownLayerException          if the name matches nothing
     * @throws dev.gradcam.api.UnsupportedCapabilityException if it is a layer and the backend cannot explain layers
     */
    public GradientSaliency explaining(String outputOrLayer) {
        InvalidArgumentException.requireNonNull(outputOrLayer, "outputOrLayer");
        return new GradientSaliency(model, mode, name, Passes.resolveOutput(model, outputOrLayer, name));
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DifferentiableModel model() {
        return model;
    }

    /** The gradient mode. */
    public GradientMode mode() {
        return mode;
    }

    @Override
    public Attribution attribute(FloatTensor images, List<Target> targets) {
        int n = Passes.batchOf(images);
        List<Target> ts = Passes.checkTargets(targets, n);
        long t0 = System.nanoTime();
        PassResult r = Passes.inputGradient(model, mode, output, images, ts);
        FloatTensor g = Passes.gradientOf(r, model);
        double[] scores = Targets.scores(ts, r.output());
        return new Attribution(name, g, scores, Passes.classes(ts, r.output()), Passes.describe(ts), List.of(),
                Map.of(), Passes.provenance(name, output, model, mode), Duration.ofNanos(System.nanoTime() - t0));
    }
}
