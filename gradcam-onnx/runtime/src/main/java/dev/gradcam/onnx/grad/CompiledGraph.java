package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.util.Map;

/**
 * An augmented model ready for a runtime, and the names of what it takes and gives.
 *
 * @param model          the model to run
 * @param input          the model input's name
 * @param seedInput      the seed input's name, or null when the seed is not fed
 * @param output         the explained output's name
 * @param activations    tap name to the output name holding its activations
 * @param gradients      tap name to the output name holding its gradient (relevance in LRP modes; empty without a
 *                       seed)
 * @param inputGradient  the output holding the input gradient (relevance in LRP modes), or null
 * @param seedOutput     the output holding the seed computed in the graph, or null
 * @param biasGradients  bias layer to the output name holding the gradient with respect to it (empty unless asked)
 * @param hessianProducts tap name to the output holding {@code H A}, the Hessian of the seeded scalar with respect
 *                       to the tap times the tap's activation (empty unless {@link GradientSpec#hessian()})
 * @param outputTangents tap name to the output holding {@code J A}, the derivative of the explained output along
 *                       the tap's activation (empty unless {@link GradientSpec#hessian()} with a fed seed)
 */
public record CompiledGraph(ModelProto model, String input, String seedInput, String output,
                            Map<String, String> activations, Map<String, String> gradients, String inputGradient,
                            String seedOutput, Map<String, String> biasGradients, Map<String, String> hessianProducts,
                            Map<String, String> outputTangents) {

    public CompiledGraph {
        activations = Map.copyOf(activations);
        gradients = Map.copyOf(gradients);
        biasGradients = Map.copyOf(biasGradients);
        hessianProducts = Map.copyOf(hessianProducts);
        outputTangents = Map.copyOf(outputTangents);
    }

    /** A first-order graph. */
    public CompiledGraph(ModelProto model, String input, String seedInput, String output,
                         Map<String, String> activations, Map<String, String> gradients, String inputGradient,
                         String seedOutput, Map<String, String> biasGradients) {
        this(model, input, seedInput, output, activations, gradients, inputGradient, seedOutput, biasGradients,
                Map.of(), Map.of());
    }

    /** A graph without bias-layer gradients. */
    public CompiledGraph(ModelProto model, String input, String seedInput, String output,
                         Map<String, String> activations, Map<String, String> gradients, String inputGradient,
                         String seedOutput) {
        this(model, input, seedInput, output, activations, gradients, inputGradient, seedOutput, Map.of());
    }
}
