package dev.gradcam.onnx.runtime;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Layers;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.model.OnnxFormat;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * FullGrad's bias layers of an ONNX graph ({@link dev.gradcam.api.spi.Capability#BIAS_GRADIENTS}), the layer set of
 * FullGrad's authors and pytorch-grad-cam: every 2-D convolution with a constant bias (input 2), and every 2-D
 * BatchNormalization with constant parameters, whose effective bias is {@code B - mean * scale / sqrt(var + eps)}
 * (the bias of the convolution it would fold into). Only layers computed from the model input count. Immutable.
 */
final class BiasLayers {

    private BiasLayers() {
    }

    /** Output tensor to effective per-channel bias [K], in topological order. */
    static Map<String, FloatTensor> of(Shapes shapes) {
        Graph g = shapes.graph();
        Set<String> live = Layers.inputDependent(g);
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (!OnnxFormat.isDefaultDomain(n.domain()) || n.outputs().isEmpty() || !live.contains(n.output(0))
                    || !shapes.isFloating(n.output(0))) {
                continue;
            }
            double[] bias = switch (n.opType()) {
                case "Conv" -> n.hasInput(2) && shapes.rank(n.input(1)) == 4 ? constant(shapes, n.input(2)) : null;
                case "BatchNormalization" -> shapes.rank(n.input(0)) == 4 ? effectiveBias(shapes, n) : null;
                default -> null;
            };
            if (bias != null) {
                float[] f = new float[bias.length];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) bias[i];
                }
                out.put(n.output(0), FloatTensor.wrapOwned(Shape.of(f.length), f));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    private static double[] constant(Shapes shapes, String value) {
        ConstValue c = shapes.constant(value);
        return c == null || c.isInteger() ? null : c.doubles();
    }

    private static double[] effectiveBias(Shapes shapes, Node n) {
        if (n.attrInt("training_mode", 0) != 0 || n.inputs().size() < 5) {
            return null;
        }
        double[] scale = constant(shapes, n.input(1));
        double[] beta = constant(shapes, n.input(2));
        double[] mean = constant(shapes, n.input(3));
        double[] var = constant(shapes, n.input(4));
        if (scale == null || beta == null || mean == null || var == null) {
            return null;
        }
        double eps = n.attrFloat("epsilon", 1e-5f);
        double[] out = new double[beta.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = beta[c] - mean[c] * scale[c] / Math.sqrt(var[c] + eps);
        }
        return out;
    }
}
