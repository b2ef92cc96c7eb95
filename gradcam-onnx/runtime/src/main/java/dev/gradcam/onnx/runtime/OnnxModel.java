package dev.gradcam.onnx.runtime;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import ai.onnxruntime.OrtSession;
import dev.gradcam.api.BackendExecutionException;
import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.InvalidModelException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.ResourceClosedException;
import dev.gradcam.api.UnknownOutputException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.layer.LayerResolver;
import dev.gradcam.api.spi.AbstractDifferentiableModel;
import dev.gradcam.api.spi.BiasGradient;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.convert.OpsetConverter;
import dev.gradcam.onnx.grad.CompiledGraph;
import dev.gradcam.onnx.grad.GradientCompiler;
import dev.gradcam.onnx.grad.GradientModes;
import dev.gradcam.onnx.grad.GradientSpec;
import dev.gradcam.onnx.grad.HeadCompiler;
import dev.gradcam.onnx.grad.OpsetTooOldException;
import dev.gradcam.onnx.grad.SymbolicBatch;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Layers;
import dev.gradcam.onnx.graph.LayoutDetector;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import dev.gradcam.onnx.validate.ModelValidator;
import dev.gradcam.onnx.validate.OperatorRules;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX model on ONNX Runtime with exact gradients compiled into it: the ONNX backend's
 * {@link DifferentiableModel}.
 *
 * <p>Each distinct pass (output, taps, gradient mode, seed kind, input gradient, bias gradients, input shape) is
 * compiled once into an augmented model and an ONNX Runtime session, kept in a bounded cache; later passes of the
 * same kind only run. {@link Seed.OfShape} and {@link Seed.TopClass} seeds take one pass (the top class is found
 * inside the graph); {@link Seed.OfOutput} takes two, a forward pass to compute the seed and then the gradient pass.
 *
 * <p>Beyond gradients at layers and the input, it offers: any layer tensor as the explained output
 * ({@link Capability#LAYER_OUTPUT}); the LRP modes of {@link dev.gradcam.api.spi.LrpModes} besides standard, guided
 * and deconvnet gradients (see {@link GradientModes}); and, for models with 2-D convolutions with a constant bias
 * or 2-D batch normalisations, FullGrad's bias gradients ({@link Capability#BIAS_GRADIENTS}), reported for those
 * layers in topological order (batch normalisations with the effective bias {@code B - mean * scale /
 * sqrt(var + eps)}).
 *
 * <p>Thread-safe: one instance serves many threads. The caller closes it; close is idempotent and later calls (all
 * but {@link #isClosed()} and {@link #backendName()}) throw {@link ResourceClosedException}.
 */
public final class OnnxModel extends AbstractDifferentiableModel {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);
    private static final Set<Capability> CAPABILITIES = EnumSet.of(Capability.LAYER_GRADIENTS,
            Capability.INPUT_GRADIENT, Capability.HEAD_EXECUTION, Capability.LAYER_OUTPUT,
            Capability.HESSIAN_PRODUCTS);
    /** Result keys of {@link #execute} besides output names. */
    private static final String INPUT_GRADIENT = "input-gradient";
    private static final String SEED = "seed";
    /** At least how many specialised shape sets to keep (one per input shape seen). */
    private static final int SHAPE_CACHE = 8;

    private final String source;
    /** The file the model was read from (read again when the graph is first needed on a warm start), or null. */
    private final Path modelFile;
    /**
     * The model checked and analysed; on a warm start ({@link ModelSummary} from the compile cache) null until
     * something needs the graph ({@link #analysis()}).
     */
    private volatile ModelAnalysis analysis;
    /** How often this instance read and analysed the model file: 1 after a cold load, 0 on a warm start (tests). */
    private final AtomicInteger modelReads = new AtomicInteger();
    /** What the model shows before a pass; gains the output shapes at each input shape seen. */
    private volatile ModelSummary summary;
    /** Whether the summary is kept in the compile cache (a whole-model file with a stable identity). */
    private final boolean summaryKept;
    private final List<LayerInfo> layers;
    private final Set<String> layerNames;
    private final Set<Capability> capabilities;
    private final List<ValueInfo> inputs;
    private final List<ValueInfo> outputs;
    private final OnnxOptions options;
    private final ExecutionProviders.Choice provider;
    private final OrtEnvironment env;
    private final VariantCache variants;
    /**
     * Input shape to the graph specialised to it. Kept at least as large as the variant cache, so that a pass whose
     * variant is cached never redoes shape inference; a future, so that concurrent first passes at a new shape infer
     * it once.
     */
    private final Map<List<Long>, CompletableFuture<Shapes>> specialised;
    /** Input shape to the session that learns data-dependent dims ({@link ShapeProbe}), for models that have them. */
    private final Map<List<Long>, ShapeProbe> probes = new HashMap<>();
    /** Input shape and observed data-dependent dims to the graph specialised to both. */
    private final Map<List<Long>, Shapes> observed;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Graphs compiled into sessions so far (gradient passes and heads): what a warm-up saves later requests. */
    private final AtomicInteger sessionsCreated = new AtomicInteger();
    /** The model's only input has no batch axis ([C, H, W]): batches run one image at a time. */
    private final boolean unbatched;
    /**
     * The batch size the model's only image input fixes ([4, 3, H, W] gives 4), or 0: batches of another size run in
     * parts of it ({@link FixedBatch}).
     */
    private final int fixedBatch;
    /** Compiled variants on disk across processes, or null (option {@code compileCache}). */
    private final CompileCache compileCache;
    /** The model's SHA-256, computed on the first compile-cache lookup. */
    private volatile byte[] modelDigest;
    /** The graph converted to a newer opset for backward rules that need one, or null until one does. */
    private Graph upgradedGraph;
    /**
     * The identity of the file the model was read from, unchanged while it was read; or null. What the remembered
     * digest and the preload hints are kept under.
     */
    private final FileStamp modelStamp;
    /** Sessions preloaded from the compile cache, or null. */
    private final Preload preload;
    /**
     * Whether passes compile one graph for every batch size ({@link SymbolicBatch}): models with one input whose
     * leading dimension is the (open) batch axis, unless {@code batchSymbolic=false}.
     */
    private final boolean batchSymbolic;
    /** Symbolic keys of passes that do not generalise over the batch size: they get one variant per batch size. */
    private final Set<List<Object>> notSymbolic = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** {@link #forwardBytesPerImage} by input shape key. */
    private final Map<List<Long>, Long> forwardBytes = new java.util.concurrent.ConcurrentHashMap<>();
    /** Compile-cache keys this instance used, in order of first use: the preload hint for the next process. */
    private final List<String> usedKeys = new ArrayList<>();

    /**
     * @param summary     what the model shows ({@code analysis.summary()}, or one from the compile cache)
     * @param analysis    the analysed model, or null on a warm start
     * @param summaryKept whether {@code summary} is (to be) kept in the compile cache under {@code modelStamp}
     */
    private OnnxModel(ModelSummary summary, ModelAnalysis analysis, Path modelFile, String source,
                      OnnxOptions options, CompileCache compileCache, FileStamp modelStamp, boolean summaryKept,
                      Preload preload) {
        this.source = source;
        this.modelFile = modelFile;
        this.options = options;
        this.compileCache = compileCache;
        this.modelStamp = modelStamp;
        this.summaryKept = summaryKept;
        this.preload = preload;
        this.analysis = analysis;
        this.summary = summary;
        this.unbatched = summary.unbatched();
        this.fixedBatch = summary.fixedBatch();
        this.batchSymbolic = options.batchSymbolic() && summary.batchAxis();
        this.layers = summary.layers();
        this.layerNames = summary.layerNames();
        EnumSet<Capability> caps = EnumSet.copyOf(CAPABILITIES);
        if (!summary.biasLayers().isEmpty()) {
            caps.add(Capability.BIAS_GRADIENTS);
        }
        this.capabilities = java.util.Collections.unmodifiableSet(caps);
        this.inputs = summary.inputs();
        this.outputs = summary.outputs();
        this.provider = ExecutionProviders.choose(options);
        this.env = OrtEnvironment.getEnvironment();
        this.variants = new VariantCache(options.cacheSize(), "ONNX model " + source);
        int shapeCache = Math.max(SHAPE_CACHE, options.cacheSize());
        this.observed = java.util.Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Long>, Shapes> eldest) {
                return size() > shapeCache;
            }
        });
        this.specialised = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<List<Long>, CompletableFuture<Shapes>> eldest) {
                return size() > shapeCache;
            }
        };
        LOG.info("gradcam-onnx: {} runs on {} ({})", source, provider.name(), provider.reason());
    }

    /**
     * Loads a model file, with any external data beside it.
     *
     * @param options backend options, see {@link OnnxOptions}
     * @throws dev.gradcam.api.ModelLoadException           if the file cannot be read or is not a supported model
     * @throws InvalidInputException                         for bad options or a model with several inputs
     * @throws dev.gradcam.api.BackendUnavailableException   if CUDA was requested and cannot be used
     */
    public static OnnxModel load(Path file, Map<String, String> options) {
        InvalidArgumentException.requireNonNull(file, "file");
        OnnxOptions o = OnnxOptions.parse(options);
        CompileCache cache = compileCache(o);
        FileStamp stamp = cache == null ? null : FileStamp.of(file);
        // A warm start: ONNX Runtime loads the last process's first variant while the model is read and checked.
        Preload preload = stamp == null || o.compileCachePreload() == 0 ? null : Preload.start(() -> {
            long start = System.nanoTime();
            String settings = cacheSettings(ExecutionProviders.choose(o), o, OrtEnvironment.getEnvironment());
            LOG.debug("ONNX Runtime's environment ready in {} ms", (System.nanoTime() - start) / 1_000_000);
            List<String> keys = cache.recentKeys(stamp, settings);
            return keys.subList(0, Math.min(o.compileCachePreload(), keys.size()));
        }, key -> preloadSession(cache, key, o));
        try {
            long start = System.nanoTime();
            String source = file.getFileName().toString();
            // A warm start: the summary this file's identity was given when it was last read, checked and analysed
            // (by this gradcam); the model is read only when something needs its graph.
            ModelSummary known = stamp == null ? null : cache.summary(stamp);
            if (known != null) {
                OnnxModel m = new OnnxModel(known, null, file, source, o, cache, stamp, true, preload);
                LOG.debug("{}: summary from the compile cache in {} ms; the model is not read", file,
                        (System.nanoTime() - start) / 1_000_000);
                return m;
            }
            ModelProto model = OnnxModelReader.readResolved(file);
            long read = System.nanoTime();
            // Changed while it was read: its identity says nothing about the bytes read, so the digest is computed.
            FileStamp unchanged = stamp != null && stamp.equals(FileStamp.of(file)) ? stamp : null;
            ModelAnalysis analysis = new ModelAnalysis(model, source);
            // Only a file that holds the whole model (external data is outside its identity), not changed just now.
            boolean keep = unchanged != null && unchanged.size() == model.getSerializedSize()
                    && cache.rememberable(unchanged);
            OnnxModel m = new OnnxModel(analysis.summary(), analysis, file, source, o, cache, unchanged, keep,
                    preload);
            m.modelReads.incrementAndGet();
            if (keep) {
                cache.rememberSummary(unchanged, m.storedSummary(analysis));
            }
            LOG.debug("{}: read in {} ms, checked and analysed in {} ms", file, (read - start) / 1_000_000,
                    (System.nanoTime() - read) / 1_000_000);
            return m;
        } catch (RuntimeException | Error e) {
            if (preload != null) {
                preload.close();
            }
            throw e;
        }
    }

    /** Wraps an in-memory model (tests, generated models). */
    public static OnnxModel of(ModelProto model, String name, OnnxOptions options) {
        InvalidArgumentException.requireNonNull(model, "model");
        ModelAnalysis analysis = new ModelAnalysis(model, name);
        return new OnnxModel(analysis.summary(), analysis, null, name, options, compileCache(options), null, false,
                null);
    }

    private static CompileCache compileCache(OnnxOptions o) {
        return o.compileCache().isEmpty() ? null
                : new CompileCache(Path.of(o.compileCache()), o.compileCacheMb() * 1024L * 1024L);
    }

    /** What besides the model and the variant decides a compile-cache entry: the preload hints are kept per these. */
    private static String cacheSettings(ExecutionProviders.Choice provider, OnnxOptions o, OrtEnvironment env) {
        return provider.name() + "|device=" + o.deviceId() + "|" + o.optimizationLevel() + "|" + env.getVersion();
    }

    /** ONNX Runtime's session of a compile-cache entry (on the preload thread), or null when there is none. */
    private static Preload.Session preloadSession(CompileCache cache, String key, OnnxOptions o) throws OrtException {
        long start = System.nanoTime();
        var entry = cache.lookup(key);
        if (entry.isEmpty()) {
            return null;
        }
        long found = System.nanoTime();
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        CompiledGraph graph = entry.get().graph();
        OrtSession session;
        try (OrtSession.SessionOptions so = sessionOptions(o, ExecutionProviders.choose(o),
                OrtSession.SessionOptions.OptLevel.NO_OPT)) {
            session = env.createSession(entry.get().optimizedModel().toString(), so);
        }
        long loaded = System.nanoTime();
        // A session's first run allocates its buffers and touches every weight: do it here, beside the model's
        // parsing, rather than in the first pass (zeros, one image where the batch is symbolic). Not for a variant
        // of a larger fixed batch: there the run itself would cost more than its first-run overhead saves.
        List<GraphInput> inputs = entry.get().inputs();
        try {
            Map<String, FloatTensor> zeros = new HashMap<>();
            for (GraphInput in : inputs) {
                long[] dims = in.dims().stream().mapToLong(Long::longValue).toArray();
                if (dims.length > 0 && dims[0] > 1) {
                    return new Preload.Session(graph, inputs, session);
                }
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = Math.max(dims[i], 1);
                }
                zeros.put(in.name(), FloatTensor.zeros(Shape.of(dims)));
            }
            new Variant(graph, inputs, session, "preloaded compile-cache entry " + key).run(env, zeros);
            LOG.debug("compile-cache entry {}: found in {} ms, session in {} ms, warm-up run in {} ms", key,
                    (found - start) / 1_000_000, (loaded - found) / 1_000_000, (System.nanoTime() - loaded) / 1_000_000);
        } catch (RuntimeException e) {
            LOG.debug("preloaded compile-cache entry {} did not warm up: {}", key, e.toString());
        }
        return new Preload.Session(graph, inputs, session);
    }

    @Override
    public String backendName() {
        return "onnx";
    }

    @Override
    public String executionProvider() {
        ensureOpen();
        return provider.name();
    }

    @Override
    public List<ValueInfo> inputs() {
        ensureOpen();
        return inputs;
    }

    @Override
    public List<ValueInfo> outputs() {
        ensureOpen();
        return outputs;
    }

    @Override
    public List<LayerInfo> layers() {
        ensureOpen();
        return layers;
    }

    /**
     * From shape inference at this input size, for one image (or the model's fixed batch, divided by it): every
     * value the graph computes, at its element type's size. Single-input models only (-1 otherwise), and -1 where
     * the data decides a shape. The first call at a new size reads the model on a warm start.
     */
    @Override
    public long forwardBytesPerImage(Shape inputShape) {
        ensureOpen();
        InvalidArgumentException.requireNonNull(inputShape, "inputShape");
        Shape declared = inputs.get(0).shape();
        if (inputs.size() != 1 || inputShape.rank() != declared.rank() || inputShape.rank() < 1) {
            return -1;
        }
        long batch = declared.dim(0) > 0 ? declared.dim(0) : 1;
        List<Long> key = shapeKey(List.of(inputShape.withDim(0, batch).dims()));
        Long known = forwardBytes.get(key);
        if (known == null) {
            // Score-CAM asks once per explained batch: the graph is walked once per input size.
            known = ForwardMemory.bytesPerImage(shapesFor(key), batch);
            forwardBytes.put(key, known);
        }
        return known;
    }

    /**
     * Detected from the graph ({@link dev.gradcam.onnx.graph.LayoutDetector}): the nearest layout evidence upstream
     * of the layer; for this model's own layers as remembered in the summary, when it was kept.
     */
    @Override
    public LayerLayout layoutOf(LayerInfo layer) {
        List<LayerLayout> known = summary.layouts();
        int i = known == null ? -1 : layers.indexOf(layer);
        return i >= 0 ? known.get(i) : analysis().layout(layer);
    }

    @Override
    public Set<Capability> capabilities() {
        ensureOpen();
        return capabilities;
    }

    @Override
    public Set<GradientMode> gradientModes() {
        ensureOpen();
        return GradientModes.supported();
    }

    @Override
    public Map<String, String> provenance() {
        ensureOpen();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("backend", "onnx");
        p.put("onnxruntime", ortVersion());
        p.put("executionProvider", provider.name());
        p.put("executionProviderReason", provider.reason());
        p.put("model", source);
        p.put("opset", Integer.toString(summary.opset()));
        p.put("producer", summary.producer());
        return p;
    }

    private String ortVersion() {
        try {
            return env.getVersion();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /** Models without a batch axis run image by image ({@link Unbatched}); the others as the base class does. */
    @Override
    public PassResult run(PassRequest request) {
        if (!unbatched) {
            InvalidArgumentException.requireNonNull(request, "request");
            Shape in = request.input().shape();
            if (fixedBatch > 0 && in.rank() >= 1 && in.dim(0) >= 1 && in.dim(0) != fixedBatch) {
                ensureOpen();
                return FixedBatch.run(request, fixedBatch, super::run);
            }
            return super.run(request);
        }
        ensureOpen();
        InvalidArgumentException.requireNonNull(request, "request");
        Shape given = request.input().shape();
        if (given.rank() != 4 || given.dim(0) < 1) {
            throw new InvalidInputException("input '" + inputs.get(0).name() + "' takes one image [C, H, W] at a time; "
                    + "give a batch [N, C, H, W] (N >= 1), got " + given);
        }
        check(request); // the whole batch's request, before any image runs
        Map<String, FloatTensor> perImage = Map.of(inputs.get(0).name(), request.input().slice(0));
        Shapes shapes = shapesFor(shapeKey(perImage));
        String first = outputs.get(0).name();
        return Unbatched.run(request, r -> dispatch(check(r)), name -> {
            ValueType t = shapes.type(name.isEmpty() ? first : name);
            return t != null && t.hasRank() && t.rank() >= 1 && t.dim(0) == 1;
        });
    }

    /**
     * Unbatched models are shown with a batch axis of 1 in {@link #inputs()} but take batches of any size, run one
     * image [C, H, W] at a time: their images are checked without the batch axis.
     */
    @Override
    protected void checkInputShape(String name, Shape declared, Shape given) {
        if (!unbatched) {
            super.checkInputShape(name, declared, given);
        } else {
            super.checkInputShape(name, declared.dropFirst(1), given.rank() == declared.rank() ? given.dropFirst(1)
                    : given);
        }
    }

    @Override
    protected boolean isTap(String name) {
        return layerNames.contains(name);
    }

    /** Families are checked by the base; here the parameters of LRP and guided modes. */
    @Override
    protected void checkMode(GradientMode mode) {
        if (!GradientModes.isSupported(mode)) {
            throw new UnsupportedCapabilityException("gradient mode '" + mode + "'", backendName(),
                    "supported modes: " + GradientModes.supported());
        }
        GradientModes.validate(mode);
    }

    /** The top class is found inside the compiled graph: one pass. */
    @Override
    protected boolean computesTopClass() {
        return true;
    }

    /** From shape inference at the pass's input shapes (or the summary's record of it): no pass runs. */
    @Override
    protected Shape outputShape(Pass pass) {
        Specialised s = specialise(pass.feeds(), pass.output(), pass.taps());
        if (s.shapes() == null) {
            List<Shape> known = summary.staticShapes().get(s.key());
            for (int i = 0; known != null && i < outputs.size(); i++) {
                if (outputs.get(i).name().equals(pass.output())) {
                    return known.get(i);
                }
            }
        }
        return Shape.of(dims(shapesOf(s), pass.output()));
    }

    /**
     * A graph specialised to a pass's inputs, and the key its variants are cached under.
     *
     * @param shapes    the specialised shapes; null where the summary records that the graph stays as it is at these
     *                  input shapes and every layer and output is static there ({@link #shapesOf} infers them when
     *                  a variant must be compiled)
     * @param rewritten whether the shapes describe a graph rewritten for them (an If inlined, a Loop unrolled)
     */
    private record Specialised(List<Long> key, Shapes shapes, boolean rewritten) {
    }

    private Shapes shapesOf(Specialised s) {
        return s.shapes() != null ? s.shapes() : shapesFor(s.key());
    }

    /**
     * The graph specialised to the input shapes; where the output or a tap then still has open dims that the data
     * decides (a detector's boxes after NMS), also to the dims one run of the model on these inputs gives
     * ({@link ShapeProbe}): a variant per such set of dims, keyed by them.
     */
    private Specialised specialise(Map<String, FloatTensor> feeds, String output, List<String> taps) {
        List<Long> key = shapeKey(feeds);
        if (summary.staticShapes().containsKey(key)) {
            // Outputs and taps are model outputs and layers (checked before), all static at this key.
            return new Specialised(key, null, false);
        }
        Shapes shapes = shapesFor(key);
        boolean open = !isStatic(shapes, output);
        for (String tap : taps) {
            open |= !isStatic(shapes, tap);
        }
        Graph graph = graph();
        if (!open || graph.producer(output) == null && !graph.isInitializer(output) && graph.inputs().stream()
                .noneMatch(v -> v.getName().equals(output))) {
            return new Specialised(key, shapes, shapes.graph() != graph);
        }
        ShapeProbe probe;
        synchronized (probes) {
            ensureOpen();
            probe = probes.get(key);
            if (probe == null) {
                List<String> values = ShapeProbe.openValues(graph, shapes);
                try (OrtSession.SessionOptions so = sessionOptions(configuredLevel())) {
                    probe = ShapeProbe.create(env, so, graph, values);
                } catch (OrtException e) {
                    throw new dev.gradcam.api.BackendExecutionException("could not prepare " + source + " to learn "
                            + "its data-dependent shapes: " + e.getMessage(), e);
                }
                probes.put(key, probe);
            }
        }
        Map<String, ValueType> seen = probe.observe(env, feeds);
        List<Long> observedKey = new ArrayList<>(key);
        for (ValueType t : seen.values()) {
            observedKey.add((long) t.rank());
            for (long d : t.dims()) {
                observedKey.add(d);
            }
        }
        List<Long> k = List.copyOf(observedKey);
        Shapes s = observed.get(k);
        if (s == null) {
            Map<String, long[]> dims = new LinkedHashMap<>();
            for (ValueInfoProto in : graph.inputs()) {
                dims.put(in.getName(), feeds.get(in.getName()).shape().dims());
            }
            s = ShapeInference.infer(graph, dims, seen);
            observed.put(k, s);
        }
        return new Specialised(k, s, s.graph() != graph);
    }

    private static boolean isStatic(Shapes shapes, String value) {
        ValueType t = shapes.type(value);
        return t != null && t.hasRank() && t.isStatic();
    }

    /** One pass whose inputs match the graph's. */
    @Override
    protected PassResult execute(Pass pass) {
        Map<String, FloatTensor> feeds = pass.feeds();
        String output = pass.output();
        List<String> taps = pass.taps();
        Specialised shapes = specialise(feeds, output, taps);
        List<String> bias = pass.biasGradients() ? summary.biasLayers() : List.of();
        if (!pass.needsBackward()) {
            Map<String, FloatTensor> r = execute(shapes, GradientSpec.forward(output, taps), feeds, null);
            return result(r, output, taps, false, null, List.of());
        }
        GradientSpec.SeedSource source = pass.seedKind() == SeedKind.TOP_CLASS ? GradientSpec.SeedSource.TOP_CLASS
                : GradientSpec.SeedSource.FED;
        boolean hessian = pass.request().hessianProducts();
        GradientSpec spec = new GradientSpec(output, taps, pass.inputGradient(), pass.mode(), source, bias,
                pass.attributedInput(), hessian);
        Map<String, FloatTensor> r = execute(shapes, spec, feeds, pass.seed());
        PassResult result = result(r, output, taps, true, pass.seed() != null ? pass.seed() : r.get(SEED), bias);
        if (!hessian) {
            return result;
        }
        Seed seed = pass.request().seed().orElseThrow();
        Map<String, FloatTensor> products = new LinkedHashMap<>();
        for (String tap : taps) {
            FloatTensor product = r.get("hvp:" + tap);
            if (!seed.isLinear()) {
                // The target's own curvature: J^T (d^2 T / d output^2) (J A), one more first-order pass per tap.
                FloatTensor w = seed.curvature(r.get(output), r.get("tangent:" + tap));
                GradientSpec curvature = new GradientSpec(output, List.of(tap), false, GradientMode.STANDARD,
                        GradientSpec.SeedSource.FED, List.of(), pass.attributedInput());
                product = product.plus(execute(shapes, curvature, feeds, w).get("grad:" + tap));
            }
            products.put(tap, product);
        }
        return result.withHessianProducts(products);
    }


    private PassResult result(Map<String, FloatTensor> r, String output, List<String> taps, boolean grads,
                              FloatTensor seed, List<String> bias) {
        Map<String, FloatTensor> acts = new LinkedHashMap<>();
        Map<String, FloatTensor> gradients = new LinkedHashMap<>();
        for (String tap : taps) {
            acts.put(tap, r.get("act:" + tap));
            if (grads) {
                gradients.put(tap, r.get("grad:" + tap));
            }
        }
        List<BiasGradient> biasGradients = new ArrayList<>(bias.size());
        for (String b : bias) {
            biasGradients.add(new BiasGradient(b, analysis().biasLayers().get(b), r.get("bias:" + b)));
        }
        return new PassResult(r.get(output), acts, gradients, r.get(INPUT_GRADIENT), seed, biasGradients);
    }

    /**
     * Runs a variant; results keyed by output name, taps as {@code act:NAME} and {@code grad:NAME}, and the input
     * gradient and in-graph seed under {@link #INPUT_GRADIENT} and {@link #SEED}.
     */
    private Map<String, FloatTensor> execute(Specialised shapes, GradientSpec spec,
                                             Map<String, FloatTensor> inputFeeds, FloatTensor seed) {
        List<Long> shapeKey = shapes.key();
        // A graph rewritten for these shapes (an If inlined, a Loop unrolled) holds only at them: no batch-symbolic
        // variant.
        List<Object> symbolicKey = shapes.rewritten() ? null : symbolicKey(spec, shapeKey);
        if (symbolicKey != null) {
            try (VariantCache.Lease lease = variants.acquire(symbolicKey,
                    () -> build(shapes, spec, shapeKey, withBatch(shapeKey, -1)))) {
                return run(lease.variant(), inputFeeds, seed);
            } catch (NotBatchSymbolic e) {
                notSymbolic.add(symbolicKey);
            }
        }
        try (VariantCache.Lease lease = variants.acquire(List.of(spec, shapeKey),
                () -> build(shapes, spec, null, shapeKey))) {
            return run(lease.variant(), inputFeeds, seed);
        }
    }

    /**
     * The variant-cache key of the batch-symbolic variant of a pass, or null when the pass gets one variant per batch
     * size: models with several inputs, without a batch axis or with a fixed batch size, passes that were found not to
     * generalise ({@link SymbolicBatch}), and the option {@code batchSymbolic=false}.
     */
    private List<Object> symbolicKey(GradientSpec spec, List<Long> shapeKey) {
        if (!batchSymbolic || shapeKey.size() < 2 || shapeKey.get(0) < 1) {
            return null;
        }
        List<Object> key = List.of("batch-symbolic", spec, withBatch(shapeKey, -1));
        return notSymbolic.contains(key) ? null : key;
    }

    private Map<String, FloatTensor> run(Variant v, Map<String, FloatTensor> inputFeeds, FloatTensor seed) {
        CompiledGraph cg = v.graph();
        Map<String, FloatTensor> feeds = new HashMap<>(inputFeeds);
        if (cg.seedInput() != null) {
            feeds.put(cg.seedInput(), seed);
        }
        Map<String, FloatTensor> raw = v.run(env, feeds);
        Map<String, FloatTensor> out = new HashMap<>(raw);
        cg.activations().forEach((tap, name) -> out.put("act:" + tap, raw.get(name)));
        cg.gradients().forEach((tap, name) -> out.put("grad:" + tap, raw.get(name)));
        if (cg.inputGradient() != null) {
            out.put(INPUT_GRADIENT, raw.get(cg.inputGradient()));
        }
        if (cg.seedOutput() != null) {
            out.put(SEED, raw.get(cg.seedOutput()));
        }
        cg.biasGradients().forEach((layer, name) -> out.put("bias:" + layer, raw.get(name)));
        cg.hessianProducts().forEach((tap, name) -> out.put("hvp:" + tap, raw.get(name)));
        cg.outputTangents().forEach((tap, name) -> out.put("tangent:" + tap, raw.get(name)));
        return out;
    }

    /**
     * Compiles (or loads from the compile cache) one variant.
     *
     * @param symbolic null for a graph specialised to {@code shapes}; else the pass's shape key, for one graph that
     *                 serves every batch size ({@link SymbolicBatch}, compiled at batch sizes 2 and 3)
     * @param shapeKey the key the variant is cached under: input dims, and the dims learnt from a run where the data
     *                 decides some ({@link ShapeProbe}); batch -1 for a batch-symbolic variant
     * @throws NotBatchSymbolic when {@code symbolic} is set and the pass does not generalise
     */
    private Variant build(Specialised shapes, GradientSpec spec, List<Long> symbolic, List<Long> shapeKey) {
        long start = System.nanoTime();
        // The blocked-layout forms help ONNX Runtime's CPU provider only; CUDA gets the plain backward graph.
        boolean cpuBlockedLayout = !provider.cuda();
        // Every input's dims (as fed: shape inference keeps them): the compile-cache key must tell apart models with
        // several inputs.
        Map<String, long[]> fed = inputDims(shapes.key());
        String inputDims;
        if (symbolic != null) {
            long[] d = fed.values().iterator().next();
            d[0] = -1;
            inputDims = Arrays.toString(d);
        } else {
            inputDims = fed.size() == 1 ? Arrays.toString(fed.values().iterator().next())
                    : fed.entrySet().stream().map(e -> e.getKey() + "=" + Arrays.toString(e.getValue()))
                    .collect(java.util.stream.Collectors.joining(", "));
        }
        String what = source + " [" + describe(spec) + ", input " + inputDims + "]";
        String key = compileCache == null ? null : CompileCache.key(modelDigest(), List.of(spec.toString(),
                inputDims, "shapes=" + shapeKey, "blocked=" + cpuBlockedLayout, provider.name(),
                "device=" + options.deviceId(), options.optimizationLevel(), env.getVersion()));
        if (key != null) {
            long keyed = System.nanoTime();
            Variant cached = fromCompileCache(key, what);
            if (cached != null) {
                noteUsed(key);
                LOG.debug("loaded {} from the compile cache in {} ms (its key in {} ms)", what,
                        (System.nanoTime() - start) / 1_000_000, (keyed - start) / 1_000_000);
                return cached;
            }
        }
        CompiledGraph cg;
        Graph graph = graph();
        if (symbolic == null) {
            cg = compile(shapesOf(shapes), spec, cpuBlockedLayout);
        } else {
            CompiledGraph two;
            CompiledGraph three;
            try {
                Shapes atTwo = shapesFor(withBatch(symbolic, 2));
                Shapes atThree = shapesFor(withBatch(symbolic, 3));
                if (atTwo.graph() != graph || atThree.graph() != graph) {
                    // Control flow decided by the batch size (inlined there) may go the other way at other sizes.
                    throw new NotBatchSymbolic();
                }
                two = compile(atTwo, spec, cpuBlockedLayout);
                three = compile(atThree, spec, cpuBlockedLayout);
            } catch (RuntimeException e) {
                LOG.debug("{} does not compile at batch sizes 2 and 3 ({}): one variant per batch size", what,
                        e.toString());
                throw new NotBatchSymbolic();
            }
            cg = SymbolicBatch.generalize(two, 2, three, 3).orElseThrow(() -> {
                LOG.debug("{} does not generalise over the batch size: one variant per batch size", what);
                return new NotBatchSymbolic();
            });
        }
        if (key != null) {
            noteUsed(key);
        }
        Variant v = session(cg, what, key);
        LOG.debug("compiled {} in {} ms", what, (System.nanoTime() - start) / 1_000_000);
        return v;
    }

    /** Differentiates the graph at {@code shapes}, converted to a newer opset when its own lacks a backward form. */
    private CompiledGraph compile(Shapes shapes, GradientSpec spec, boolean cpuBlockedLayout) {
        if (summary.opset() < GradientCompiler.OLDEST_OPSET) {
            return GradientCompiler.compile(upgraded(shapes, null), spec, cpuBlockedLayout);
        }
        try {
            return GradientCompiler.compile(shapes, spec, cpuBlockedLayout);
        } catch (OpsetTooOldException e) {
            // A backward form the model's opset lacks: differentiate the same model converted to a newer opset.
            return GradientCompiler.compile(upgraded(shapes, e), spec, cpuBlockedLayout);
        }
    }

    /** A single-input shape key ({@code [rank, d0, d1, ...]}) with another batch size. */
    private static List<Long> withBatch(List<Long> shapeKey, long batch) {
        List<Long> k = new ArrayList<>(shapeKey);
        k.set(1, batch);
        return List.copyOf(k);
    }

    /** Thrown by {@link #build} when a pass does not generalise over the batch size; never leaves this class. */
    private static final class NotBatchSymbolic extends RuntimeException {
        NotBatchSymbolic() {
            super(null, null, false, false);
        }
    }

    /**
     * The graph converted to {@link OpsetConverter#TARGET}, specialised to the input dims of {@code shapes}. The
     * conversion runs once per model; a model that cannot be converted fails with the rule's message ({@code why}),
     * or with the converter's when the model is older than the backward forms ({@code why} null).
     */
    private Shapes upgraded(Shapes shapes, OpsetTooOldException why) {
        Graph graph = graph();
        Graph g;
        synchronized (this) {
            if (upgradedGraph == null) {
                try {
                    ModelProto m = OpsetConverter.upgrade(graph.model(), OpsetConverter.TARGET);
                    ModelValidator.validate(m, source + " (converted to opset " + OpsetConverter.TARGET + ")");
                    upgradedGraph = Graph.of(m);
                    LOG.info("gradcam-onnx: {} has opset {}; differentiating it converted to opset {} ({})", source,
                            graph.opset(), OpsetConverter.TARGET, why == null ? "backward forms start at opset "
                                    + GradientCompiler.OLDEST_OPSET : why.getMessage());
                } catch (dev.gradcam.api.GradCamException e) {
                    if (why == null) {
                        throw e;
                    }
                    why.addSuppressed(e);
                    throw why;
                }
            }
            g = upgradedGraph;
        }
        Map<String, long[]> dims = new LinkedHashMap<>();
        for (ValueInfoProto in : graph.inputs()) {
            dims.put(in.getName(), shapes.dims(in.getName()));
        }
        Shapes s = ShapeInference.infer(g, dims);
        OperatorRules.check(g, s, source + " (converted to opset " + OpsetConverter.TARGET + ")");
        return s;
    }

    /** How many compiled graphs became sessions so far (tests: a warmed-up request compiles nothing). */
    int sessionsCreated() {
        return sessionsCreated.get();
    }

    /** How many passes were found not to generalise over the batch size (tests). */
    int passesNotBatchSymbolic() {
        return notSymbolic.size();
    }

    /** The compile cache on disk, or null without the {@code compileCache} option. */
    CompileCache compileCache() {
        return compileCache;
    }

    private byte[] modelDigest() {
        byte[] d = modelDigest;
        if (d == null && analysis == null) {
            d = compileCache.rememberedDigest(modelStamp); // a warm start: the summary's file, remembered whole
        }
        if (d == null) {
            d = compileCache.modelDigest(modelStamp, analysis().graph().model());
        }
        modelDigest = d;
        return d;
    }

    /** The graph: on a warm start read from the file when first needed ({@link #analysis()}). */
    private Graph graph() {
        return analysis().graph();
    }

    /**
     * The model checked and analysed. On a warm start it is read from the file the first time something needs the
     * graph (a compile, a head, shape inference at a new input shape, bias values), and only when the file still has
     * the identity the summary was made for: a file changed since the model was loaded fails rather than mixing two
     * models.
     *
     * @throws ModelLoadException when the file changed or can no longer be read
     */
    private ModelAnalysis analysis() {
        ModelAnalysis a = analysis;
        if (a != null) {
            return a;
        }
        synchronized (modelReads) {
            if (analysis == null) {
                long start = System.nanoTime();
                if (!modelStamp.equals(FileStamp.of(modelFile))) {
                    throw changedSinceLoaded();
                }
                ModelProto model = OnnxModelReader.readResolved(modelFile);
                if (!modelStamp.equals(FileStamp.of(modelFile))) {
                    throw changedSinceLoaded();
                }
                analysis = new ModelAnalysis(model, source);
                modelReads.incrementAndGet();
                LOG.debug("{}: read, checked and analysed in {} ms, when first needed", modelFile,
                        (System.nanoTime() - start) / 1_000_000);
            }
            return analysis;
        }
    }

    private ModelLoadException changedSinceLoaded() {
        return new ModelLoadException(modelFile + " changed (or was removed) since the model was loaded, before "
                + "gradcam needed its graph; load the model again");
    }

    /** How often this instance read and analysed its model file (tests: 0 on a warm start that needs no graph). */
    int modelReads() {
        return modelReads.get();
    }

    /** The summary as the compile cache keeps it: with every layer's layout. */
    private ModelSummary storedSummary(ModelAnalysis a) {
        ModelSummary s = a.summaryWithLayouts();
        summary = s;
        return s;
    }


    /** Remembers a compile-cache key this instance used, for the next process's preload (the first ones only). */
    private void noteUsed(String key) {
        if (modelStamp == null || options.compileCachePreload() == 0) {
            return;
        }
        List<String> first;
        synchronized (usedKeys) {
            if (usedKeys.size() >= options.compileCachePreload() || usedKeys.contains(key)) {
                return;
            }
            usedKeys.add(key);
            first = List.copyOf(usedKeys);
        }
        compileCache.noteFirstUsed(modelStamp, cacheSettings(provider, options, env), first);
    }

    /** A variant from ONNX Runtime's optimised graph on disk, or null when there is none usable. */
    private Variant fromCompileCache(String key, String what) {
        Preload.Session preloaded = preload == null ? null : preload.take(key);
        if (preloaded != null) {
            compileCache.loaded(true);
            return new Variant(preloaded.graph(), preloaded.inputs(), preloaded.session(), what);
        }
        var entry = compileCache.lookup(key);
        if (entry.isEmpty()) {
            return null;
        }
        // The graph on disk is already optimised for this provider and CPU: optimising it again only costs time.
        try (OrtSession.SessionOptions so = sessionOptions(OrtSession.SessionOptions.OptLevel.NO_OPT)) {
            OrtSession session = env.createSession(entry.get().optimizedModel().toString(), so);
            compileCache.loaded(false);
            return new Variant(entry.get().graph(), entry.get().inputs(), session, what);
        } catch (OrtException | RuntimeException e) {
            LOG.warn("compile cache entry {} for {} could not be loaded ({}); compiling again", key, what,
                    e.getMessage());
            compileCache.discard(key);
            return null;
        }
    }

    private static String describe(GradientSpec spec) {
        if (spec.seed() == GradientSpec.SeedSource.NONE) {
            return "forward, taps " + spec.taps();
        }
        return spec.mode() + (spec.mode().isLrp() ? " relevance" : " gradients") + " of " + spec.output()
                + " (seed " + spec.seed().name().toLowerCase() + "), taps " + spec.taps()
                + (spec.inputGradient() ? ", input gradient" : "")
                + (spec.biasLayers().isEmpty() ? "" : ", " + spec.biasLayers().size() + " bias layers")
                + (spec.hessian() ? ", Hessian products" : "");
    }

    private Variant session(CompiledGraph cg, String what) {
        return session(cg, what, null);
    }

    /** A session for a compiled graph; with a compile-cache key, ONNX Runtime's optimised graph is kept on disk. */
    private Variant session(CompiledGraph cg, String what, String cacheKey) {
        sessionsCreated.incrementAndGet();
        if (cacheKey != null) {
            CompileCache.Pending pending = null;
            boolean committed = false;
            try (OrtSession.SessionOptions so = sessionOptions(configuredLevel())) {
                pending = compileCache.begin(cacheKey);
                so.setOptimizedModelFilePath(pending.model().toString());
                so.addConfigEntry("session.optimized_model_external_initializers_file_name", pending.dataName());
                so.addConfigEntry("session.optimized_model_external_initializers_min_size_in_bytes", "1024");
                OrtSession session = env.createSession(cg.model().toByteArray(), so);
                compileCache.commit(pending, cg);
                committed = true;
                return new Variant(cg, session, what);
            } catch (OrtException | java.io.IOException e) {
                // e.g. an optimised graph ONNX Runtime cannot serialise: run without the cache
                LOG.debug("not caching {}: {}", what, e.getMessage());
            } finally {
                if (pending != null && !committed) {
                    compileCache.abandon(pending);
                }
            }
        }
        try (OrtSession.SessionOptions so = sessionOptions(configuredLevel())) {
            OrtSession session = env.createSession(cg.model().toByteArray(), so);
            return new Variant(cg, session, what);
        } catch (OrtException e) {
            throw new BackendExecutionException("ONNX Runtime could not load the compiled graph for " + what + ": "
                    + e.getMessage(), e);
        }
    }

    private OrtSession.SessionOptions.OptLevel configuredLevel() {
        return switch (options.optimizationLevel()) {
            case "none" -> OrtSession.SessionOptions.OptLevel.NO_OPT;
            case "basic" -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
            case "extended" -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
            default -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
        };
    }

    /** Session options for this model's provider, threads and log level; the caller closes them. */
    private OrtSession.SessionOptions sessionOptions(OrtSession.SessionOptions.OptLevel level) throws OrtException {
        return sessionOptions(options, provider, level);
    }

    private static OrtSession.SessionOptions sessionOptions(OnnxOptions options, ExecutionProviders.Choice provider,
                                                            OrtSession.SessionOptions.OptLevel level)
            throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        try {
            so.setSessionLogLevel(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR);
            so.setOptimizationLevel(level);
            if (options.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(options.intraOpThreads());
            }
            if (!options.allowSpinning()) {
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            ExecutionProviders.apply(provider, options.deviceId(), so);
            return so;
        } catch (OrtException | RuntimeException e) {
            so.close();
            throw e;
        }
    }

    @Override
    public FloatTensor runHead(String layer, FloatTensor activations, String output) {
        return runHead(layer, activations, output, null);
    }

    /**
     * Runs the head from {@code layer}; when the head also reads values computed before the layer (a skip connection
     * around it), they are recomputed from {@code input} inside the same compiled head graph.
     */
    @Override
    public FloatTensor runHead(String layer, FloatTensor activations, String output, FloatTensor input) {
        ensureOpen();
        InvalidArgumentException.requireNonNull(activations, "activations");
        LayerInfo l = resolveLayer(layer);
        String out = outputName(output);
        Shape expected = l.shape();
        Shape given = activations.shape();
        boolean fits = expected.rank() == given.rank();
        for (int i = 1; fits && i < given.rank(); i++) {
            fits = expected.dim(i) < 0 || expected.dim(i) == given.dim(i);
        }
        if (!fits) {
            throw new InvalidInputException("activations for layer '" + l.name() + "' must have shape " + expected
                    + " (any batch size), given " + given);
        }
        if (fixedBatch > 0 && given.dim(0) >= 1 && given.dim(0) != fixedBatch) {
            if (input != null && input.shape().dim(0) == 1) {
                // One image for every row (Ablation-CAM's ablated copies of one image's activations, with a skip
                // connection around the layer): each part of the fixed batch gets that image repeated (rowsFor).
                return FixedBatch.map(activations, null, fixedBatch, (a, unused) -> runHead(layer, a, output, input));
            }
            if (input == null || input.shape().dim(0) == given.dim(0)) {
                return FixedBatch.map(activations, input, fixedBatch, (a, x) -> runHead(layer, a, output, x));
            }
        }
        boolean withInput = input != null;
        try (VariantCache.Lease lease = variants.acquire(List.of("head", l.name(), out, withInput),
                () -> session(HeadCompiler.compile(analysis().declared(), l.name(), out, withInput), source
                        + " [head from " + l.name() + " to " + out + (withInput ? ", skip connections from the input"
                        : "") + "]"))) {
            Variant v = lease.variant();
            Map<String, FloatTensor> feeds = new HashMap<>();
            feeds.put(l.name(), activations);
            String modelInput = inputs.get(0).name();
            boolean readsInput = v.graph().model().getGraph().getInputList().stream()
                    .anyMatch(i -> i.getName().equals(modelInput));
            if (readsInput) {
                feeds.put(modelInput, rowsFor(input, given.intDim(0)));
            }
            return v.run(env, feeds).get(v.graph().output());
        }
    }

    /** The input repeated to {@code rows} rows when it holds one image; as is when it already has that many. */
    private static FloatTensor rowsFor(FloatTensor input, int rows) {
        int n = input.shape().intDim(0);
        if (n == rows) {
            return input;
        }
        if (n != 1) {
            throw new InvalidInputException("the input for head execution must have 1 or " + rows + " rows (one per "
                    + "activation row), given " + input.shape());
        }
        return FloatTensor.concat(java.util.Collections.nCopies(rows, input));
    }

    /** Input name to dims, flattened in the graph's input order. */
    private List<Long> shapeKey(Map<String, FloatTensor> feeds) {
        return shapeKey(inputs.stream().map(in -> feeds.get(in.name()).shape().dims()).toList());
    }

    /** The key of these input dims, in the order of the model's inputs: each input's rank, then its dims. */
    private static List<Long> shapeKey(List<long[]> dims) {
        List<Long> key = new ArrayList<>();
        for (long[] d : dims) {
            key.add((long) d.length);
            for (long v : d) {
                key.add(v);
            }
        }
        return List.copyOf(key);
    }

    /** Like {@code input [1, 3, 224, 224]}, or {@code image [1, 3, 64, 64], depth [1, 1, 64, 64]}. */
    private static String describe(Map<String, long[]> dims) {
        StringBuilder sb = new StringBuilder();
        dims.forEach((name, d) -> sb.append(sb.length() == 0 ? "" : ", ").append(name).append(' ')
                .append(Arrays.toString(d)));
        return sb.toString();
    }

    private Shapes shapesFor(List<Long> key) {
        CompletableFuture<Shapes> f;
        boolean infer = false;
        synchronized (specialised) {
            f = specialised.get(key);
            if (f == null) {
                f = new CompletableFuture<>();
                specialised.put(key, f);
                infer = true;
            }
        }
        if (infer) {
            Map<String, long[]> dims = inputDims(key);
            try {
                Graph graph = graph();
                Shapes s = ShapeInference.infer(graph, dims);
                OperatorRules.check(graph, s, source + " at input shape " + describe(dims));
                f.complete(s);
                rememberStaticShapes(key, s);
                return s;
            } catch (RuntimeException | Error e) {
                // Not kept: a shape that does not fit the input fails again, with the same message, next time.
                f.completeExceptionally(e);
                synchronized (specialised) {
                    specialised.remove(key, f);
                }
                throw e;
            }
        }
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw (Error) e.getCause();
        }
    }

    /** The input dims a shape key holds, by input name, in the graph's input order. */
    private Map<String, long[]> inputDims(List<Long> key) {
        Map<String, long[]> dims = new LinkedHashMap<>();
        int pos = 0;
        for (ValueInfo in : inputs) {
            int rank = key.get(pos++).intValue();
            long[] d = new long[rank];
            for (int i = 0; i < rank; i++) {
                d[i] = key.get(pos++);
            }
            dims.put(in.name(), d);
        }
        return dims;
    }

    /**
     * Records in the kept summary that at this input shape the graph stays as it is and every layer and output is
     * static (so a later process's passes there need no shape inference), with the outputs' shapes.
     */
    private void rememberStaticShapes(List<Long> key, Shapes s) {
        if (!summaryKept || s.graph() != graph() || summary.staticShapes().containsKey(key)) {
            return;
        }
        List<Shape> outs = new ArrayList<>(outputs.size());
        for (ValueInfo o : outputs) {
            if (!isStatic(s, o.name())) {
                return;
            }
            outs.add(Shape.of(s.dims(o.name())));
        }
        for (LayerInfo l : layers) {
            if (!isStatic(s, l.name())) {
                return;
            }
        }
        synchronized (modelReads) {
            ModelSummary next = summary.withStaticShapes(key, outs);
            if (next != summary) {
                summary = next;
                compileCache.rememberSummary(modelStamp, next);
            }
        }
    }

    private static long[] dims(Shapes shapes, String value) {
        try {
            return shapes.dims(value);
        } catch (InvalidModelException e) {
            throw new InvalidInputException("cannot determine the shape of '" + value + "' for this input: "
                    + e.getMessage(), e);
        }
    }

    /** A model output or, as {@link Capability#LAYER_OUTPUT} allows, any layer tensor. */
    private String outputName(String requested) {
        if (requested == null) {
            return outputs.get(0).name();
        }
        for (ValueInfo o : outputs) {
            if (o.name().equals(requested)) {
                return requested;
            }
        }
        if (layerNames.contains(requested)) {
            return requested;
        }
        throw new UnknownOutputException("unknown output '" + requested + "': neither a model output "
                + outputs.stream().map(ValueInfo::name).toList() + " nor a layer tensor (LayerInfo.name(); resolve "
                + "queries with resolveLayer first); nearest layers: " + LayerResolver.nearest(layers, requested, 5));
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new ResourceClosedException("ONNX model " + source);
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            variants.close();
            synchronized (probes) {
                probes.values().forEach(ShapeProbe::close);
                probes.clear();
            }
            if (preload != null) {
                preload.close();
            }
        }
    }

    @Override
    public String toString() {
        return "OnnxModel[" + source + " on " + provider.name() + "]";
    }
}
