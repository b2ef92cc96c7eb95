package dev.gradcam.onnx.grad;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.spi.GradientMode;
import java.util.List;

/**
 * What one compiled variant computes, apart from the input shape (which the {@link dev.gradcam.onnx.graph.Shapes}
 * passed to the compiler fixes). A value: equal specs compile to the same graph, so it serves as a cache key.
 *
 * @param output        the explained output's value name: a model output or any layer tensor
 * @param taps          value names whose activations (and, with a seed, gradients) are wanted
 * @param inputGradient whether the gradient with respect to the model input is wanted
 * @param mode          how gradients flow back
 * @param seed          where backpropagation starts
 * @param biasLayers    value names whose gradients alone are wanted (FullGrad's bias layers); needs a seed
 * @param input         the graph input whose gradient is wanted, or null for the first; other inputs are fed as
 *                      constants of the pass
 * @param hessian       whether the pass also returns, per tap, the Hessian-vector product of the seeded scalar with
 *                      respect to the tap in the direction of the tap's own activation ({@code H A}), and, with a
 *                      fed seed, the directional derivative of the output along it ({@code J A}): the second-order
 *                      terms ShapleyCAM needs. Standard mode only.
 */
public record GradientSpec(String output, List<String> taps, boolean inputGradient, GradientMode mode,
                           SeedSource seed, List<String> biasLayers, String input, boolean hessian) {

    public GradientSpec {
        InvalidArgumentException.requireNonNull(output, "output");
        taps = List.copyOf(taps);
        InvalidArgumentException.requireNonNull(mode, "mode");
        InvalidArgumentException.requireNonNull(seed, "seed");
        biasLayers = List.copyOf(biasLayers);
        if (seed == SeedSource.NONE && (inputGradient || !biasLayers.isEmpty())) {
            throw new IllegalArgumentException("an input gradient or bias-layer gradients need a seed");
        }
        if (hessian && (seed == SeedSource.NONE || mode != GradientMode.STANDARD)) {
            throw new IllegalArgumentException("Hessian-vector products need a seed and standard gradients");
        }
    }

    /** A first-order spec. */
    public GradientSpec(String output, List<String> taps, boolean inputGradient, GradientMode mode,
                        SeedSource seed, List<String> biasLayers, String input) {
        this(output, taps, inputGradient, mode, seed, biasLayers, input, false);
    }

    /** This spec without the second-order terms. */
    public GradientSpec firstOrder() {
        return new GradientSpec(output, taps, inputGradient, mode, seed, biasLayers, input, false);
    }

    /** A spec for the first input. */
    public GradientSpec(String output, List<String> taps, boolean inputGradient, GradientMode mode,
                        SeedSource seed, List<String> biasLayers) {
        this(output, taps, inputGradient, mode, seed, biasLayers, null);
    }

    /** A spec without bias-layer gradients. */
    public GradientSpec(String output, List<String> taps, boolean inputGradient, GradientMode mode,
                        SeedSource seed) {
        this(output, taps, inputGradient, mode, seed, List.of());
    }

    /** A forward-only variant: the output and tap activations. */
    public static GradientSpec forward(String output, List<String> taps) {
        return new GradientSpec(output, taps, false, GradientMode.STANDARD, SeedSource.NONE);
    }

    /** Where the seed (d target / d output) comes from. */
    public enum SeedSource {
        /** Forward only: no gradients. */
        NONE,
        /** Fed as an extra graph input {@value GradientCompiler#SEED_INPUT} of the output's shape. */
        FED,
        /** The one-hot of each row's arg-max of an [N, K] output, computed in the graph. */
        TOP_CLASS
    }
}
