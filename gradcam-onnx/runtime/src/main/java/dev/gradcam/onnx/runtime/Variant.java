package dev.gradcam.onnx.runtime;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gradcam.api.BackendExecutionException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.grad.CompiledGraph;
import dev.gradcam.onnx.model.ElementType;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A compiled graph with its ONNX Runtime session: one entry of a model's variant cache. Runs are thread-safe
 * (ONNX Runtime sessions are); closed by the cache when evicted and no longer in use.
 */
final class Variant implements AutoCloseable {

    private final CompiledGraph graph;
    private final OrtSession session;
    private final String description;
    /** Graph input name to element type: what feeds are converted to. */
    private final Map<String, Integer> inputTypes;
    /** Every output of the compiled graph, without repeats: fixed per variant, so computed once. */
    private final Set<String> fetches;

    /** A variant of a graph compiled in this process. */
    Variant(CompiledGraph graph, OrtSession session, String description) {
        this(graph, GraphInput.of(graph), session, description);
    }

    /**
     * @param graph  the compiled graph's names (its model may be absent: a compile-cache entry's is on disk)
     * @param inputs the graph's inputs
     */
    Variant(CompiledGraph graph, List<GraphInput> inputs, OrtSession session, String description) {
        this.graph = graph;
        this.session = session;
        this.description = description;
        Map<String, Integer> types = new HashMap<>();
        for (GraphInput in : inputs) {
            types.put(in.name(), in.elementType());
        }
        this.inputTypes = Map.copyOf(types);
        Set<String> f = new LinkedHashSet<>();
        f.add(graph.output());
        f.addAll(graph.activations().values());
        f.addAll(graph.gradients().values());
        if (graph.inputGradient() != null) {
            f.add(graph.inputGradient());
        }
        if (graph.seedOutput() != null) {
            f.add(graph.seedOutput());
        }
        f.addAll(graph.biasGradients().values());
        f.addAll(graph.hessianProducts().values());
        f.addAll(graph.outputTangents().values());
        this.fetches = Collections.unmodifiableSet(f);
    }

    CompiledGraph graph() {
        return graph;
    }

    /**
     * Runs the session, fetching every output of the compiled graph.
     *
     * @param feeds input name to value (converted to the input's element type)
     * @return graph output name to value
     * @throws BackendExecutionException wrapping any ONNX Runtime failure, with this variant's description
     */
    Map<String, FloatTensor> run(OrtEnvironment env, Map<String, FloatTensor> feeds) {
        Map<String, OnnxTensor> in = new HashMap<>();
        try {
            for (Map.Entry<String, FloatTensor> f : feeds.entrySet()) {
                in.put(f.getKey(), toOrt(env, f.getValue(), inputTypes.getOrDefault(f.getKey(), ElementType.FLOAT)));
            }
            try (OrtSession.Result r = session.run(in, fetches)) {
                Map<String, FloatTensor> out = new HashMap<>();
                for (String name : fetches) {
                    OnnxValue v = r.get(name).orElseThrow(() ->
                            new BackendExecutionException("ONNX Runtime returned no '" + name + "' for " + description));
                    out.put(name, toFloat((OnnxTensor) v));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new BackendExecutionException("ONNX Runtime failed running " + description + ": " + e.getMessage(),
                    e);
        } finally {
            for (OnnxTensor t : in.values()) {
                t.close();
            }
        }
    }

    static OnnxTensor toOrt(OrtEnvironment env, FloatTensor t, int elemType) throws OrtException {
        long[] dims = t.shape().dims();
        if (elemType == ElementType.DOUBLE) {
            float[] f = t.toArray();
            double[] d = new double[f.length];
            for (int i = 0; i < f.length; i++) {
                d[i] = f[i];
            }
            return OnnxTensor.createTensor(env, DoubleBuffer.wrap(d), dims);
        }
        // A direct buffer is passed to the runtime without another copy.
        FloatBuffer b = java.nio.ByteBuffer.allocateDirect(t.size() * Float.BYTES)
                .order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(t.buffer());
        b.rewind();
        return OnnxTensor.createTensor(env, b, dims);
    }

    static FloatTensor toFloat(OnnxTensor t) {
        long[] dims = t.getInfo().getShape();
        Shape shape = Shape.of(dims);
        return switch (t.getInfo().type) {
            case DOUBLE -> {
                DoubleBuffer d = t.getDoubleBuffer();
                float[] f = new float[d.remaining()];
                for (int i = 0; i < f.length; i++) {
                    f[i] = (float) d.get(i);
                }
                yield FloatTensor.wrapOwned(shape, f);
            }
            case FLOAT -> {
                FloatBuffer fb = t.getFloatBuffer();
                float[] f = new float[fb.remaining()];
                fb.get(f);
                yield FloatTensor.wrapOwned(shape, f);
            }
            default -> throw new BackendExecutionException("output of type " + t.getInfo().type
                    + " cannot be returned as floats");
        };
    }

    /** Describes the variant, for errors and logs. */
    @Override
    public String toString() {
        return description;
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing releases native memory; a failure here leaves nothing for the caller to do.
        }
    }
}
