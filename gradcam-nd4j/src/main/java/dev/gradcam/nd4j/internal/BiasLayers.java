package dev.gradcam.nd4j.internal;

import dev.gradcam.api.tensor.FloatTensor;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DepthwiseConv2D;

/**
 * Finds the bias layers of a SameDiff graph for FullGrad: 2-D convolutions (plain and depthwise) whose bias is a
 * weight. Batch normalisation ops of user-built graphs are not included (ONNX translations list their folded
 * BatchNormalization nodes themselves). Stateless.
 */
public final class BiasLayers {

    private BiasLayers() {
    }

    /**
     * Output tensor to bias, in topological order, for the convolutions among {@code activations}.
     */
    public static Map<String, FloatTensor> find(SameDiff sd, GraphTopology topo, Collection<String> activations) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (SameDiffOp op : topo.ops()) {
            boolean conv = op.getOp() instanceof Conv2D || op.getOp() instanceof DepthwiseConv2D;
            List<String> in = op.getInputsToOp();
            if (!conv || in == null || in.size() != 3 || op.getOutputsOfOp().size() != 1) {
                continue;
            }
            SDVariable bias = sd.getVariable(in.get(2));
            String output = op.getOutputsOfOp().get(0);
            boolean weight = bias.getVariableType() == VariableType.VARIABLE
                    || bias.getVariableType() == VariableType.CONSTANT;
            if (weight && bias.getArr() != null && activations.contains(output)) {
                out.put(output, NdArrays.toTensor(bias.getArr()).reshape(
                        dev.gradcam.api.tensor.Shape.of(bias.getArr().length())));
            }
        }
        return out;
    }
}
