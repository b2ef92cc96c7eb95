package dev.gradcam.nd4j;

import dev.gradcam.api.BackendExecutionException;
import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.ResourceClosedException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.layer.LayerResolver;
import dev.gradcam.api.spi.AbstractDifferentiableModel;
import dev.gradcam.api.spi.BiasGradient;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.nd4j.internal.GradientGraph;
import dev.gradcam.nd4j.internal.GraphDescription;
import dev.gradcam.nd4j.internal.HeadGraph;
import dev.gradcam.nd4j.internal.Nd4jRuntime;
import dev.gradcam.nd4j.internal.NdArrays;
import dev.gradcam.nd4j.internal.OneDnnGuard;
import dev.gradcam.nd4j.internal.StdoutSilencer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link DifferentiableModel} backed by an ND4J SameDiff graph: one users built or trained, one loaded from
 * SameDiff's own file format, or one translated from ONNX. Gradients come from SameDiff's own autodiff.
 *
 * <pre>{@code
 * try (SameDiffModel model = SameDiffModel.builder(sd).input("input").outputs("logits").build()) {
 *     Explanation e = Explainer.gradCam(model).layer("relu2").build().explain(images);
 * }
 * }</pre>
 *
 * <p>The model works on a private copy of the graph taken when it is built: training the original graph afterwards
 * does not change explanations (build a new model then). Any activation (SameDiff ARRAY variable) computed from the
 * input is a tap, and may be the explained output. Gradient modes: standard, guided and deconvnet (ReLU, ReLU6 and
 * LeakyReLU units). Capabilities: layer gradients, input gradient, head execution, layer outputs, and bias gradients
 * when the graph has bias layers (2-D convolutions with a bias; for ONNX files also batch normalisations). Memory: the copy for forward passes, plus one more copy per
 * (output, gradient mode) explained and per layer whose head is run.
 *
 * <p>Thread safety: SameDiff is not thread-safe, so passes on one model are serialised (concurrent callers wait);
 * for parallel throughput build one model per thread. {@link #close()} is idempotent; any call but
 * {@link #backendName()}, {@link #isClosed()} and {@code close()} afterwards throws {@link ResourceClosedException}.
 */
public final class SameDiffModel extends AbstractDifferentiableModel {

    /** The backend name reported by {@link #backendName()}. */
    public static final String BACKEND = "nd4j";

    private static final Logger LOG = LoggerFactory.getLogger(SameDiffModel.class);
    private static final Set<GradientMode> MODES = Collections.unmodifiableSet(new LinkedHashSet<>(
            List.of(GradientMode.STANDARD, GradientMode.GUIDED, GradientMode.DECONVNET)));

    private final Object lock = new Object();
    private final GraphDescription description;
    private final Map<String, String> provenance;
    private final Set<Capability> capabilities;
    private final String executionProvider;
    private final Map<GraphKey, GradientGraph> gradientGraphs = new HashMap<>();
    private final Map<GraphKey, HeadGraph.Cut> heads = new HashMap<>();
    private final Map<GraphKey, Shape> outputShapes = new HashMap<>();
    private volatile boolean closed;
    private SameDiff template;

    private SameDiffModel(SameDiff template, GraphDescription description, Map<String, String> provenance) {
        this.template = template;
        this.description = description;
        this.provenance = Map.copyOf(provenance);
        EnumSet<Capability> caps = EnumSet.of(Capability.LAYER_GRADIENTS, Capability.INPUT_GRADIENT,
                Capability.HEAD_EXECUTION, Capability.LAYER_OUTPUT);
        if (!description.biases().isEmpty()) {
            caps.add(Capability.BIAS_GRADIENTS);
        }
        this.capabilities = Collections.unmodifiableSet(caps);
        this.executionProvider = Nd4jRuntime.executionProvider();
    }

    /**
     * A model of {@code graph} with its input and outputs inferred: the only floating-point placeholder, and the
     * graph's declared outputs or else the last values computed from the input alone.
     *
     * @throws ModelLoadException if the input or outputs cannot be inferred (use {@link #builder})
     */
    public static SameDiffModel of(SameDiff graph) {
        return builder(graph).build();
    }

    /** A builder for a model of {@code graph}; the graph is copied by {@link Builder#build()}. */
    public static Builder builder(SameDiff graph) {
        return new Builder(graph);
    }

    /**
     * Loads a graph saved with SameDiff's {@code save(File, boolean)} (FlatBuffers), inferring input and outputs.
     *
     * @throws ModelLoadException if the file cannot be read as a SameDiff graph
     */
    public static SameDiffModel load(Path file) {
        return builder(read(file)).provenance("source", file.getFileName().toString()).build();
    }

    /**
     * Reads a graph saved with SameDiff's {@code save(File, boolean)}.
     *
     * @throws ModelLoadException if the file is missing or not a SameDiff graph
     */
    public static SameDiff read(Path file) {
        InvalidArgumentException.requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new ModelLoadException("SameDiff file not found: " + file.toAbsolutePath());
        }
        Nd4jRuntime.ensureStarted();
        try {
            File f = file.toFile();
            return StdoutSilencer.call(() -> SameDiff.load(f, false));
        } catch (RuntimeException e) {
            throw new ModelLoadException("cannot read " + file + " as a SameDiff graph (FlatBuffers, as written by "
                    + "SameDiff.save): " + e.getMessage(), e);
        }
    }

    @Override
    public String backendName() {
        return BACKEND;
    }

    @Override
    public String executionProvider() {
        ensureOpen();
        return executionProvider;
    }

    @Override
    public List<ValueInfo> inputs() {
        ensureOpen();
        return List.of(description.input());
    }

    @Override
    public List<ValueInfo> outputs() {
        ensureOpen();
        return description.outputs();
    }

    @Override
    public List<LayerInfo> layers() {
        ensureOpen();
        return description.layers();
    }

    @Override
    public Set<Capability> capabilities() {
        ensureOpen();
        return capabilities;
    }

    @Override
    public Set<GradientMode> gradientModes() {
        ensureOpen();
        return MODES;
    }

    @Override
    public Map<String, String> provenance() {
        ensureOpen();
        return provenance;
    }

    /** Any activation computed from the input, not only the listed layers. */
    @Override
    protected boolean isTap(String name) {
        return description.shapes().containsKey(name);
    }

    /** Standard, guided and deconvnet gradients at every unit; no mode switched on from a layer onward. */
    @Override
    protected void checkMode(GradientMode mode) {
        if (mode.inputLayer().isPresent()) {
            throw new UnsupportedCapabilityException("gradient mode '" + mode + "'", BACKEND,
                    "available: " + MODES + ", applied to the whole graph");
        }
    }

    /** SameDiff's backprop ops (conv2d_bp, batchnorm_bp, ...) throw "Unable to take derivative of derivative". */
    @Override
    protected String hessianProductsHint() {
        return "second-order methods (shapley-cam) run on the ONNX backend (--backend onnx, OnnxModel)";
    }

    /** The top class is found inside the gradient graph: one pass. */
    @Override
    protected boolean computesTopClass() {
        return true;
    }

    /** Output shapes depend only on the input shape: each is learnt once, then seeds need no extra pass. */
    @Override
    protected Shape outputShape(Pass pass) {
        INDArray x = toInput(pass.input());
        synchronized (lock) {
            ensureOpen();
            return outputShapes.computeIfAbsent(new GraphKey(pass.output(), null, pass.input().shape()),
                    k -> NdArrays.shapeOf(template.output(feed(x), List.of(pass.output())).get(pass.output())));
        }
    }

    @Override
    protected PassResult execute(Pass pass) {
        String output = pass.output();
        List<String> taps = pass.taps();
        List<String> biasLayers = pass.biasGradients() ? List.copyOf(description.biases().keySet()) : List.of();
        INDArray x = toInput(pass.input());
        List<String> values = new ArrayList<>(new LinkedHashSet<>(concat(concat(List.of(output), taps), biasLayers)));
        synchronized (lock) {
            ensureOpen();
            try {
                if (!pass.needsBackward()) {
                    Map<String, INDArray> v = template.output(feed(x), values);
                    return new PassResult(NdArrays.toTensor(v.get(output)), tensors(v, taps), Map.of(), null, null);
                }
                boolean topClass = pass.seedKind() == SeedKind.TOP_CLASS;
                List<String> wanted = new ArrayList<>(new LinkedHashSet<>(concat(taps, biasLayers)));
                String input = description.input().name();
                if (pass.inputGradient()) {
                    wanted.add(input);
                }
                GradientGraph graph = gradientGraph(output, pass.mode(), topClass);
                GradientGraph.Result r;
                FloatTensor seed;
                if (topClass) {
                    List<String> fetched = new ArrayList<>(values);
                    fetched.add(graph.seedName());
                    r = graph.run(x, null, fetched, wanted);
                    seed = NdArrays.toTensor(r.outputs().get(graph.seedName()));
                } else {
                    seed = pass.seed();
                    DataType outType = template.getVariable(output).dataType();
                    r = graph.run(x, NdArrays.toNd(seed).castTo(outType), values, wanted);
                }
                FloatTensor inputGradient = pass.inputGradient() ? NdArrays.toTensor(r.gradients().get(input)) : null;
                List<BiasGradient> biasGradients = new ArrayList<>();
                for (String b : biasLayers) {
                    biasGradients.add(new BiasGradient(b, description.biases().get(b),
                            NdArrays.toTensor(r.gradients().get(b))));
                }
                return new PassResult(NdArrays.toTensor(r.outputs().get(output)), tensors(r.outputs(), taps),
                        tensors(r.gradients(), taps), inputGradient, seed, biasGradients);
            } catch (GradCamException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new BackendExecutionException("SameDiff failed on a " + (pass.needsBackward()
                        ? "forward and backward" : "forward") + " pass for output '" + output + "' with input "
                        + pass.input().shape() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public FloatTensor runHead(String layer, FloatTensor activations, String output) {
        InvalidArgumentException.requireNonNull(layer, "layer");
        InvalidArgumentException.requireNonNull(activations, "activations");
        ensureOpen();
        String name = description.shapes().containsKey(layer) ? layer : resolveLayer(layer).name();
        String out = description.checkOutput(output == null ? description.defaultOutput() : output);
        Shape expected = description.shapes().get(name);
        if (!expected.accepts(activations.shape())) {
            throw new InvalidInputException("activations of shape " + activations.shape() + " do not fit layer '"
                    + name + "' of shape " + expected);
        }
        synchronized (lock) {
            ensureOpen();
            HeadGraph.Cut cut = heads.computeIfAbsent(new GraphKey(name, out, null), k -> HeadGraph.cut(template, name,
                    expected.dims(), out, description.input().name()));
            HeadGraph head = cut.head().orElseThrow(() -> new InvalidInputException(
                    "cannot run the model from layer '" + name + "' onward: " + cut.reason()));
            try {
                DataType t = template.getVariable(name).dataType();
                return NdArrays.toTensor(head.run(NdArrays.toNd(activations).castTo(t), out));
            } catch (RuntimeException e) {
                throw new BackendExecutionException("SameDiff failed running the head after '" + name + "' for output '"
                        + out + "' on activations " + activations.shape() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public LayerInfo resolveLayer(String query) {
        return LayerResolver.resolve(layers(), query);
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            // Dropping the graphs frees their arrays: ND4J releases off-heap memory when arrays are collected.
            template = null;
            gradientGraphs.clear();
            heads.clear();
            outputShapes.clear();
        }
    }

    @Override
    public String toString() {
        return "SameDiffModel[input=" + description.input().name() + ", outputs="
                + description.outputs().stream().map(ValueInfo::name).toList() + ", layers="
                + description.layers().size() + (closed ? ", closed" : "") + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new ResourceClosedException("this SameDiff model");
        }
    }

    /** The input as SameDiff's input type; its shape was checked by {@link #check}. */
    private INDArray toInput(FloatTensor input) {
        INDArray x = NdArrays.toNd(input);
        return description.inputType() == DataType.FLOAT ? x : x.castTo(description.inputType());
    }

    private Map<String, INDArray> feed(INDArray x) {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(description.input().name(), x);
        return feed;
    }

    private GradientGraph gradientGraph(String output, GradientMode mode, boolean topClass) {
        Shape outShape = description.shapes().get(output);
        int classes = 0;
        if (topClass) {
            classes = topClassCount(output, outShape);
        }
        int k = classes;
        return gradientGraphs.computeIfAbsent(new GraphKey(output, mode.name() + (topClass ? "/top" : ""), null), key -> {
            LOG.debug("building the {} gradient graph for output '{}'{}", mode, output, k > 0 ? " (top class)" : "");
            return GradientGraph.create(template, description.input().name(), output, outShape.rank(), mode, k);
        });
    }

    /** The class count of an [N, K] output, with {@link Seed.TopClass}'s own error for any other shape. */
    private static int topClassCount(String output, Shape outShape) {
        if (outShape.rank() != 2 || outShape.dims()[1] <= 0) {
            throw new InvalidInputException("the top-class target needs an output of shape [N, classes], got "
                    + outShape + " for '" + output + "'; use a region target for spatial outputs");
        }
        return Math.toIntExact(outShape.dims()[1]);
    }

    private static Map<String, FloatTensor> tensors(Map<String, INDArray> values, List<String> names) {
        Map<String, FloatTensor> out = new LinkedHashMap<>();
        for (String n : names) {
            out.put(n, NdArrays.toTensor(values.get(n)));
        }
        return out;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    /** A cache key: an output or layer, plus a mode or an input shape. */
    private record GraphKey(String name, String variant, Shape shape) {
    }

    /**
     * Builds {@link SameDiffModel}s. Not thread-safe.
     */
    public static final class Builder {
        private final SameDiff graph;
        private String input;
        private final List<String> outputs = new ArrayList<>();
        private long[] inputShape;
        private List<LayerInfo> layers;
        private Map<String, FloatTensor> biases;
        private final Map<String, String> provenance = new LinkedHashMap<>();

        private Builder(SameDiff graph) {
            this.graph = InvalidArgumentException.requireNonNull(graph, "graph");
        }

        /** The input placeholder; default: the graph's only floating-point placeholder. */
        public Builder input(String placeholder) {
            this.input = InvalidArgumentException.requireNonNull(placeholder, "placeholder");
            return this;
        }

        /**
         * The outputs, the first explained by default; default: the graph's declared outputs, else the last values
         * computed from the input alone. Name the logits when the graph ends in a softmax or a loss.
         */
        public Builder outputs(String... names) {
            outputs.clear();
            for (String n : names) {
                outputs.add(InvalidArgumentException.requireNonNull(n, "output name"));
            }
            return this;
        }

        /**
         * A concrete input shape (batch axis first) used once to learn the activations' shapes; needed only when
         * the placeholder has unknown sizes beyond the batch axis.
         */
        public Builder inputShape(long... dims) {
            this.inputShape = dims.clone();
            return this;
        }

        /**
         * The candidate layers, named and typed by the caller (a translator names them after its source format's
         * nodes); default: every activation, with SameDiff's op names. Shapes given here are replaced by learnt ones.
         */
        public Builder layers(List<LayerInfo> described) {
            this.layers = List.copyOf(described);
            return this;
        }

        /**
         * The bias layers for FullGrad ({@link Capability#BIAS_GRADIENTS}): output tensor to effective per-channel
         * bias, in topological order; default: every 2-D convolution of the graph whose bias is a weight.
         */
        public Builder biases(Map<String, FloatTensor> byLayer) {
            this.biases = new LinkedHashMap<>(byLayer);
            return this;
        }

        /** An extra provenance entry, e.g. {@code source -> model.onnx}. */
        public Builder provenance(String key, String value) {
            provenance.put(InvalidArgumentException.requireNonNull(key, "key"), InvalidArgumentException.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Copies the graph and describes it (one forward pass on zeros to learn activation shapes).
         *
         * @throws ModelLoadException                           if input or outputs cannot be determined
         * @throws dev.gradcam.api.BackendUnavailableException if ND4J's native backend cannot start
         */
        public SameDiffModel build() {
            Nd4jRuntime.ensureStarted();
            long t0 = System.nanoTime();
            SameDiff copy;
            GraphDescription d;
            try {
                copy = graph.dup();
                OneDnnGuard.prepareFor(copy);
                d = GraphDescription.of(copy, input, outputs, inputShape, layers, biases);
            } catch (GradCamException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ModelLoadException("cannot prepare the SameDiff graph: " + e.getMessage(), e);
            }
            Map<String, String> p = new LinkedHashMap<>(Nd4jRuntime.provenance());
            p.putAll(provenance);
            LOG.debug("SameDiff model with {} layers prepared in {} ms", d.layers().size(),
                    (System.nanoTime() - t0) / 1_000_000);
            return new SameDiffModel(copy, d, p);
        }
    }
}
