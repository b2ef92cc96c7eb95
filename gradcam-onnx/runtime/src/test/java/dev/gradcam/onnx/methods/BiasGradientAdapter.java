package dev.gradcam.onnx.methods;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.BiasGradient;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.ForwardingModel;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.model.Tensors;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adds {@link Capability#BIAS_GRADIENTS} to a model that has layer gradients, from its ONNX graph: the bias layers are
 * the Conv nodes with a bias initializer and the BatchNormalization nodes (effective bias
 * {@code B - mean * scale / sqrt(var + epsilon)}), the layers FullGrad's authors and pytorch-grad-cam use; their
 * output gradients come from extra taps. The ONNX backend now reports bias gradients itself (from extra outputs of
 * its compiled graph); this derivation, written independently from the graph and the public SPI, is what
 * {@link BiasGradientTest} checks it against.
 */
final class BiasGradientAdapter extends ForwardingModel {

    private final List<String> layers = new ArrayList<>();
    private final Map<String, FloatTensor> biases = new LinkedHashMap<>();

    BiasGradientAdapter(DifferentiableModel inner, Graph graph) {
        super(inner);
        for (Node n : graph.nodes()) {
            float[] b = switch (n.opType()) {
                case "Conv" -> n.hasInput(2) && graph.isInitializer(n.input(2))
                        ? Tensors.toFloats(graph.initializers().get(n.input(2))) : null;
                case "BatchNormalization" -> effectiveBias(graph, n);
                default -> null;
            };
            if (b != null) {
                layers.add(n.output(0));
                biases.put(n.output(0), FloatTensor.of(Shape.of(b.length), b));
            }
        }
    }

    private static float[] effectiveBias(Graph g, Node n) {
        double[] scale = Tensors.toDoubles(g.initializers().get(n.input(1)));
        double[] beta = Tensors.toDoubles(g.initializers().get(n.input(2)));
        double[] mean = Tensors.toDoubles(g.initializers().get(n.input(3)));
        double[] var = Tensors.toDoubles(g.initializers().get(n.input(4)));
        double eps = n.attrFloat("epsilon", 1e-5f);
        float[] out = new float[beta.length];
        for (int c = 0; c < out.length; c++) {
            out[c] = (float) (beta[c] - mean[c] * scale[c] / Math.sqrt(var[c] + eps));
        }
        return out;
    }

    /** The bias layers found, in graph order. */
    List<String> biasLayers() {
        return List.copyOf(layers);
    }

    @Override
    public PassResult run(PassRequest request) {
        if (!request.biasGradients()) {
            return inner.run(request);
        }
        PassRequest.Builder b = request.toBuilder().biasGradients(false);
        for (String l : layers) {
            if (!request.taps().contains(l)) {
                b.tap(l);
            }
        }
        PassResult r = inner.run(b.build());
        List<BiasGradient> out = new ArrayList<>();
        for (String l : layers) {
            out.add(new BiasGradient(l, biases.get(l), r.gradient(l)));
        }
        Map<String, FloatTensor> acts = new LinkedHashMap<>();
        Map<String, FloatTensor> grads = new LinkedHashMap<>();
        for (String t : request.taps()) {
            acts.put(t, r.activation(t));
            if (r.gradients().containsKey(t)) {
                grads.put(t, r.gradient(t));
            }
        }
        return new PassResult(r.output(), acts, grads, r.inputGradient().orElse(null), r.seed().orElse(null), out);
    }

    @Override
    public Set<Capability> capabilities() {
        Set<Capability> c = EnumSet.copyOf(inner.capabilities());
        c.add(Capability.BIAS_GRADIENTS);
        return c;
    }

    @Override
    public FloatTensor runHead(String layer, FloatTensor activations, String output) {
        return inner.runHead(layer, activations, output);
    }
}
