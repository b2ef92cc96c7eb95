package dev.gradcam.api.method;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A class-activation method: turns one pass over a batch (and whatever extra passes it runs itself) into raw maps,
 * weights and masks per layer. The {@link dev.gradcam.api.Explainer} runs the pass, calls {@link #explain}, then
 * post-processes, fuses layers and smooths; methods only do the method-specific arithmetic.
 *
 * <p>Built-ins: {@link CamMethods} (also by kebab-case name). Write your own for a new weighting by extending
 * {@link ChannelWeightingMethod}. Implementations must be immutable and thread-safe.
 */
public interface CamMethod {

    /** The kebab-case name, e.g. {@code grad-cam}; recorded in provenance. */
    String name();

    /** What the backend must offer; the explainer checks it when built. */
    Set<Capability> requiredCapabilities();

    /** Whether the explainer's pass needs a seed and gradients at the layers. */
    boolean needsGradients();

    /** False for methods that ignore the chosen layers (FullGrad): the pass then taps nothing. */
    default boolean usesLayers() {
        return true;
    }

    /** Adds the method's needs to the explainer's pass, e.g. FullGrad's input and bias gradients. */
    default void configure(PassRequest.Builder request) {
    }

    /**
     * As {@link #configure(PassRequest.Builder)}, for methods that choose their own taps from the model (attention
     * rollout taps every attention layer); the explainer calls this form.
     */
    default void configure(PassRequest.Builder request, DifferentiableModel model) {
        configure(request);
    }

    /**
     * Computes one {@link LayerMaps} per layer of {@code context} (or a single entry for methods that ignore layers).
     *
     * @throws dev.gradcam.api.GradCamException subtypes for bad inputs or backend failures
     */
    List<LayerMaps> explain(CamContext context);

    /**
     * The targets this method explains, given the user's: the user's by default. Finer-CAM replaces each by a
     * comparison with the classes scored most like it; {@code cleanOutput} runs (once, when first asked) a forward
     * pass over the unmodified images and returns the output [N, ...].
     */
    default List<Target> targets(List<Target> targets, Supplier<FloatTensor> cleanOutput) {
        return targets;
    }

    /**
     * How this method combines several layers, when it defines that itself (Refine-CAM: the product); empty (the
     * default) leaves it to the explainer's {@code fusion(...)}. When present it is used for one layer too.
     */
    default Optional<LayerFusion> fusion() {
        return Optional.empty();
    }

    /**
     * This method with the given semantics, e.g. pytorch-grad-cam's Score-CAM for
     * {@link Compatibility#PYTORCH_GRAD_CAM}; the method itself where they agree (the default).
     */
    default CamMethod compatible(Compatibility compatibility) {
        return this;
    }

    /** The method's settings in a line, for provenance; empty when it has none. */
    default String settings() {
        return "";
    }
}
