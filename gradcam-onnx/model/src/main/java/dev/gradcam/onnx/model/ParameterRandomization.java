package dev.gradcam.onnx.model;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * Cascading model-parameter randomisation (Adebayo et al. 2018, "Sanity checks for saliency maps") on an ONNX file:
 * the model's learned layers are re-initialised from the output backwards, one layer at a time, by rewriting their
 * float initializers; no framework is needed. A layer is a Conv, ConvTranspose, Gemm or MatMul node with a float
 * initializer of rank 2 or more (its weight); its float initializers (weight and bias) are drawn again from a
 * zero-mean normal distribution with each tensor's own standard deviation (as fresh initialisation schemes do), so
 * that activations keep their scale and the learned structure, including a learned mean, is lost. Weights kept in Constant nodes (some exporters do that) are not touched. Stateless.
 */
public final class ParameterRandomization {

    private static final Set<String> LAYER_OPS = Set.of("Conv", "ConvTranspose", "Gemm", "MatMul");

    private ParameterRandomization() {
    }

    /**
     * One randomisable layer.
     *
     * @param name       the node's name (its op type and index when unnamed)
     * @param parameters the float initializers it reads
     */
    public record Layer(String name, List<String> parameters) {
        public Layer {
            parameters = List.copyOf(parameters);
        }
    }

    /** One step of the cascade: {@code layers} (output first) re-initialised in {@code model}. */
    public record Step(List<String> layers, Path model) {
        public Step {
            layers = List.copyOf(layers);
        }

        /** The layer this step added to the randomised ones. */
        public String lastLayer() {
            return layers.get(layers.size() - 1);
        }
    }

    /** The model's randomisable layers, output first (reverse graph order). */
    public static List<Layer> layers(ModelProto model) {
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = new HashMap<>();
        g.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        List<Layer> out = new ArrayList<>();
        for (int i = g.getNodeCount() - 1; i >= 0; i--) {
            NodeProto n = g.getNode(i);
            if (!LAYER_OPS.contains(n.getOpType())) {
                continue;
            }
            List<String> params = new ArrayList<>();
            boolean weight = false;
            for (String in : n.getInputList()) {
                TensorProto t = inits.get(in);
                if (t != null && t.getDataType() == ElementType.FLOAT) {
                    params.add(in);
                    weight |= t.getDimsCount() >= 2;
                }
            }
            if (weight) {
                out.add(new Layer(n.getName().isEmpty() ? n.getOpType() + "_" + i : n.getName(), params));
            }
        }
        return out;
    }

    /**
     * {@code model} with the first {@code count} of {@link #layers} (output first) re-initialised.
     *
     * @throws InvalidInputException if count is negative or exceeds the number of layers
     */
    public static ModelProto randomized(ModelProto model, int count, long seed) {
        List<Layer> layers = layers(model);
        if (count < 0 || count > layers.size()) {
            throw new InvalidInputException("can randomise 0.." + layers.size() + " layers of this model, asked for "
                    + count);
        }
        Set<String> names = new LinkedHashSet<>();
        layers.subList(0, count).forEach(l -> names.addAll(l.parameters()));
        GraphProto.Builder g = model.getGraph().toBuilder();
        for (int i = 0; i < g.getInitializerCount(); i++) {
            TensorProto t = g.getInitializer(i);
            if (names.contains(t.getName())) {
                g.setInitializer(i, redraw(t, seed));
            }
        }
        return model.toBuilder().setGraph(g).build();
    }

    /**
     * Writes the cascade: step k (1-based) has the k layers nearest the output re-initialised, as
     * {@code dir/randomized-k.onnx}. The same layer gets the same new values in every step.
     */
    public static List<Step> cascade(Path model, Path dir, long seed) {
        ModelProto m = OnnxModelReader.readResolved(model);
        List<Layer> layers = layers(m);
        if (layers.isEmpty()) {
            throw new InvalidInputException("no layer of " + model + " has float weights in initializers (Conv, "
                    + "ConvTranspose, Gemm or MatMul): nothing to randomise");
        }
        List<Step> steps = new ArrayList<>();
        List<String> done = new ArrayList<>();
        for (int k = 1; k <= layers.size(); k++) {
            done.add(layers.get(k - 1).name());
            Path file = dir.resolve("randomized-" + k + ".onnx");
            OnnxModelWriter.write(randomized(m, k, seed), file);
            steps.add(new Step(done, file));
        }
        return steps;
    }

    /** New values ~ N(0, std^2), std of the tensor's own values; seeded by the seed and the tensor's name. */
    private static TensorProto redraw(TensorProto t, long seed) {
        float[] v = Tensors.toFloats(t);
        double mean = 0;
        for (float x : v) {
            mean += x;
        }
        mean /= Math.max(1, v.length);
        double var = 0;
        for (float x : v) {
            var += (x - mean) * (x - mean);
        }
        double std = v.length > 1 ? Math.sqrt(var / v.length) : Math.abs(mean);
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + t.getName().hashCode());
        float[] out = new float[v.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) (std * r.nextGaussian());
        }
        return Tensors.ofFloats(t.getName(), Tensors.dims(t), out);
    }
}
