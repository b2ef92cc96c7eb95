package dev.gradcam.nd4j.onnx;

import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;

/**
 * An ONNX model translated to SameDiff.
 *
 * @param graph      the SameDiff graph; every ONNX value computed from the input has a variable of the same name
 * @param input      the input placeholder (batch axis open)
 * @param outputs    the ONNX graph outputs
 * @param layers     candidate layers named as in the ONNX file (tensor, node, op type)
 * @param inputShape a concrete input shape (batch 1) for learning activation shapes
 * @param opset      the model's default-domain opset
 * @param biases     bias layers for FullGrad: the outputs of Conv nodes with a bias and of BatchNormalization nodes,
 *                   with their effective per-channel biases, in topological order
 */
public record Translation(SameDiff graph, String input, List<String> outputs, List<LayerInfo> layers,
                          long[] inputShape, int opset, Map<String, FloatTensor> biases) {
}
