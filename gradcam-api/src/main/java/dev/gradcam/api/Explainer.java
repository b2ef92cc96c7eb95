package dev.gradcam.api;

import dev.gradcam.api.cam.FeatureMapSelector;
import dev.gradcam.api.cam.FeatureMapSelectors;
import dev.gradcam.api.cam.GradientReducer;
import dev.gradcam.api.internal.ModelRequirements;
import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.method.AttentionRollout;
import dev.gradcam.api.method.AugSmoothing;
import dev.gradcam.api.method.CamContext;
import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.method.Compatibility;
import dev.gradcam.api.method.LayerFusion;
import dev.gradcam.api.method.LayerFusions;
import dev.gradcam.api.method.LayerMaps;
import dev.gradcam.api.method.ProgressListener;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalization;
import dev.gradcam.api.post.PostProcessing;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Explains a model's decisions with a class-activation method at one or more layers.
 *
 * <pre>{@code
 * Explainer explainer = Explainer.gradCam(model).layer("layer4").selector(FeatureMapSelectors.positive()).build();
 * Explanation e = explainer.explain(images, Targets.classLogit(281));
 * Explainer score = Explainer.of(model, CamMethods.scoreCam().withMaxBatch(32)).layers("layer3", "layer4").build();
 * }</pre>
 *
 * <p>Each explanation runs one pass with every layer tapped (with gradients when the method needs them), lets the
 * {@link CamMethod} compute raw maps, weights and masks per layer, then post-processes: one layer's map goes through
 * the activation, normalisation and upsampling; several layers are combined by a {@link LayerFusion} and normalised.
 * Aug-smoothing repeats all that per augmentation and averages the maps mapped back.
 *
 * <p>Immutable and thread-safe when the model is (every backend's models are). The explainer does not own the model:
 * close the model yourself; explaining with a closed model throws {@link ResourceClosedException}.
 */
public final class Explainer {

    private final Builder settings;
    private final List<LayerInfo> layers;
    private final Map<String, LayerLayout> layouts;
    /** The builder's method as the compatibility setting makes it; the builder keeps the method as given. */
    private final CamMethod method;

    private Explainer(Builder b, List<LayerInfo> layers, Map<String, LayerLayout> layouts, CamMethod method) {
        this.settings = b.copy();
        this.layers = List.copyOf(layers);
        this.layouts = Map.copyOf(layouts);
        this.method = method;
    }

    /** Grad-CAM (Selvaraju et al. 2017): channel weights are spatially averaged gradients. */
    public static Builder gradCam(DifferentiableModel model) {
        return of(model, CamMethods.gradCam());
    }

    /** HiResCAM (Draelos and Carin 2020): gradients times activations, element-wise, summed over channels. */
    public static Builder hiResCam(DifferentiableModel model) {
        return of(model, CamMethods.hiResCam());
    }

    /** XGrad-CAM (Fu et al. 2020). */
    public static Builder xGradCam(DifferentiableModel model) {
        return of(model, CamMethods.xGradCam());
    }

    /** Grad-CAM++ (Chattopadhyay et al. 2018). */
    public static Builder gradCamPlusPlus(DifferentiableModel model) {
        return of(model, CamMethods.gradCamPlusPlus());
    }

    /** A builder for any method, e.g. {@code CamMethods.scoreCam()} or {@code CamMethods.byName("layer-cam")}. */
    public static Builder of(DifferentiableModel model, CamMethod method) {
        return builder(model).method(method);
    }

    /**
     * A builder for a built-in class-activation method by name, as {@link Methods#cam} reads it.
     *
     * @throws UnknownMethodException   for an unknown name, listing the nearest and the known ones
     * @throws InvalidArgumentException for a pixel-space method
     */
    public static Builder of(DifferentiableModel model, String method) {
        return of(model, Methods.cam(method));
    }

    /** A builder with Grad-CAM; set another with {@link Builder#method}. */
    public static Builder builder(DifferentiableModel model) {
        return new Builder(model);
    }

    /** Explains each image's top class. */
    public Explanation explain(FloatTensor images) {
        InvalidArgumentException.requireNonNull(images, "images");
        return explain(images, Collections.nCopies(batchOf(images), Targets.topClass()));
    }

    /** Explains the same target for every image. */
    public Explanation explain(FloatTensor images, Target target) {
        InvalidArgumentException.requireNonNull(target, "target");
        return explain(images, Collections.nCopies(batchOf(images), target));
    }

    /**
     * Explains a batch [N, C, H, W] with one target per image.
     *
     * @throws InvalidInputException   if the batch and targets disagree, or a layer is not a 4-D feature map
     * @throws ResourceClosedException if the model has been closed
     */
    public Explanation explain(FloatTensor images, List<Target> targets) {
        InvalidArgumentException.requireNonNull(images, "images");
        InvalidArgumentException.requireNonNull(targets, "targets");
        if (settings.model.isClosed()) {
            throw new ResourceClosedException("the model behind this explainer");
        }
        int n = batchOf(images);
        Targets.seedFor(targets, n); // checks one target per image before any work
        if (settings.aug == null) {
            return once(images, targets);
        }
        return AugSmoother.smooth(this, settings.aug, images, targets);
    }

    /**
     * Prepares the backend ahead of the first request: explains a batch of zeros at each of {@code batchSizes}, at the
     * model's declared image size, for each image's top class. A backend that compiles a variant per batch size and
     * pass (ONNX: 0.4-0.9 s each on ResNet-sized models) compiles them here, so later {@code explain} calls of those
     * batch sizes and that kind of target only run. Call it once after {@link Builder#build()}, e.g. at server start.
     *
     * <p>Targets that seed the backward pass differently compile their own variants: warm those with
     * {@link #warmUp(Size, Target, int...)} (class logits, regions, ...). Thread-safe.
     *
     * @return the time the warm-up took
     * @throws InvalidInputException   if no batch size is given, one is below 1, or the model's input leaves the image
     *                                 size open (use {@link #warmUp(Size, Target, int...)})
     * @throws ResourceClosedException if the model has been closed
     */
    public Duration warmUp(int... batchSizes) {
        return warmUp(null, Targets.topClass(), batchSizes);
    }

    /**
     * Like {@link #warmUp(int...)} for a given target and image size; {@code imageSize} null takes the model's
     * declared one.
     *
     * @return the time the warm-up took
     * @throws InvalidInputException   if no batch size is given, one is below 1, or the size is open or does not fit
     * @throws ResourceClosedException if the model has been closed
     */
    public Duration warmUp(Size imageSize, Target target, int... batchSizes) {
        InvalidArgumentException.requireNonNull(target, "target");
        InvalidArgumentException.requireNonNull(batchSizes, "batchSizes");
        if (batchSizes.length == 0) {
            throw new InvalidArgumentException("give at least one batch size to warm up");
        }
        long t0 = System.nanoTime();
        for (int n : batchSizes) {
            if (n < 1) {
                throw new InvalidArgumentException("batch sizes must be at least 1, got " + n);
            }
            explain(FloatTensor.zeros(warmUpShape(imageSize, n)), target);
        }
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    /** The model's declared input with batch {@code n} and, when given, the image size on the last two axes. */
    private Shape warmUpShape(Size imageSize, int n) {
        if (settings.model.isClosed()) {
            throw new ResourceClosedException("the model behind this explainer");
        }
        return ModelRequirements.inputShape(settings.model, n, imageSize,
                "warmUp(Size.of(width, height), target, batchSizes...)");
    }

    /** One explanation without aug-smoothing. */
    Explanation once(FloatTensor images, List<Target> given) {
        DifferentiableModel model = settings.model;
        int n = batchOf(images);
        long t0 = System.nanoTime();
        List<Target> targets = method.targets(given, () -> model.run(PassRequest.builder(images)
                .output(settings.output).build()).output());
        PassRequest.Builder request = PassRequest.builder(images).output(settings.output).mode(settings.mode)
                .taps(layers.stream().map(LayerInfo::name).toList());
        if (method.needsGradients()) {
            request.seed(Targets.seedFor(targets, n));
        }
        method.configure(request, model);
        PassResult pass = model.run(request.build());
        long t1 = System.nanoTime();

        List<String> diagnostics = new ArrayList<>();
        if (!method.usesLayers() && !settings.layers.equals(List.of("auto"))) {
            diagnostics.add("method '" + method.name() + "' uses no layer of your choice (it chooses its own: FullGrad "
                    + "the input and every bias layer, attention rollout every attention layer); the chosen layers "
                    + settings.layers + " are ignored");
        }
        CamContext context = CamContext.builder(model, images, Targets.pinTopClass(targets, pass.output()), pass)
                .output(settings.output).layers(layers)
                .selector(settings.selector).eigenSmooth(settings.eigenSmooth).progress(settings.progress)
                .diagnostics(diagnostics::add).layouts(layouts).build();
        List<LayerMaps> maps = method.explain(context);
        long t2 = System.nanoTime();

        FloatTensor heatmaps;
        if (images.shape().rank() == 5) {
            heatmaps = postProcessVolumes(maps, images.shape());
        } else {
            InputSize size = InputSize.of(images.shape(), maps.isEmpty() ? null : maps.get(0).rawMaps().shape());
            if (settings.outHeight <= 0) {
                size.diagnostic(images.shape()).ifPresent(diagnostics::add);
            }
            heatmaps = postProcess(maps, settings.outHeight > 0 ? settings.outHeight : size.height(),
                    settings.outWidth > 0 ? settings.outWidth : size.width());
        }
        MapDiagnostics.diagnose(method, pass, maps, settings.post.activation(), diagnostics);
        long t3 = System.nanoTime();

        double[] scores = Targets.scores(targets, pass.output());
        int[] classes = new int[n];
        List<String> described = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            classes[i] = targets.get(i).classIndex(pass.output().slice(i)).orElse(-1);
            described.add(targets.get(i).describe());
        }
        Timings timings = new Timings(Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ofNanos(t3 - t2),
                Duration.ofNanos(t3 - t0));
        return new Explanation(heatmaps, maps, scores, classes, described, diagnostics, provenance(maps), timings);
    }

    /**
     * Volumes [N, d, h, w] from a 3-D feature map: activation, normalisation, trilinear upsampling to the input's
     * [D, H, W]; under pytorch-grad-cam semantics or a method's own fusion normalised once more (the mean or product
     * of one layer is the layer).
     */
    private FloatTensor postProcessVolumes(List<LayerMaps> maps, Shape images) {
        if (maps.size() != 1 || maps.get(0).rawMaps().shape().rank() != 4) {
            throw new InvalidInputException("a 5-D input [N, C, D, H, W] needs exactly one 3-D feature map layer; got "
                    + maps.size() + " layer(s) with maps " + maps.get(0).rawMaps().shape()
                    + " (multi-layer fusion works on 2-D maps)");
        }
        FloatTensor heat = settings.post.applyVolume(maps.get(0).rawMaps(), images.intDim(2), images.intDim(3),
                images.intDim(4));
        boolean again = method.fusion().isPresent() || settings.compatibility == Compatibility.PYTORCH_GRAD_CAM;
        return again ? settings.post.normalization().apply(heat) : heat;
    }

    private FloatTensor postProcess(List<LayerMaps> maps, int h, int w) {
        if (maps.stream().anyMatch(m -> m.rawMaps().shape().rank() != 3)) {
            throw new InvalidInputException("3-D feature maps need a 5-D input [N, C, D, H, W]; got 4-D images and maps "
                    + maps.stream().map(m -> m.rawMaps().shape().toString()).toList());
        }
        PostProcessing post = settings.post;
        // pytorch-grad-cam sends even a single layer through aggregate_multi_layers: per-layer min-max and resize,
        // then the mean and a second min-max after resizing.
        Optional<LayerFusion> own = method.fusion();
        if (maps.size() == 1 && own.isEmpty() && settings.compatibility != Compatibility.PYTORCH_GRAD_CAM) {
            return post.apply(maps.get(0).rawMaps(), h, w);
        }
        // Layers differ in resolution: fuse at the output size, or at the first layer's when not upsampling.
        FloatTensor first = maps.get(0).rawMaps();
        int fh = post.upsample() ? h : first.shape().intDim(1);
        int fw = post.upsample() ? w : first.shape().intDim(2);
        LayerFusion fusion = own.orElse(settings.compatibility == Compatibility.PYTORCH_GRAD_CAM
                ? LayerFusions.mean() : settings.fusion);
        FloatTensor fused = fusion.fuse(maps.stream().map(LayerMaps::rawMaps).toList(), post.activation(),
                fh, fw);
        return post.normalization().apply(fused);
    }

    private Provenance provenance(List<LayerMaps> maps) {
        DifferentiableModel model = settings.model;
        Map<String, String> details = new LinkedHashMap<>(model.provenance());
        String methodSettings = method.settings();
        if (!methodSettings.isEmpty()) {
            details.put("method.settings", methodSettings);
        }
        if (settings.compatibility != Compatibility.GRADCAM) {
            details.put("compatibility", settings.compatibility.cliName());
        }
        if (settings.eigenSmooth) {
            details.put("method.eigenSmooth", "true");
        }
        if (settings.aug != null) {
            details.put("method.augSmooth", settings.aug.toString());
        }
        String layerNames = String.join(",", maps.stream().map(m -> m.layer().name()).toList());
        for (LayerInfo l : layers) {
            LayerLayout layout = layouts.get(l.name());
            if (layout != null && layout.kind() != LayerLayout.Kind.CHANNELS_FIRST) {
                details.put("layer.layout", layout.describe());
            }
        }
        return new Provenance(method.name(), layerNames, model.backendName(), model.executionProvider(),
                settings.mode.name(), LibraryVersion.get(), details);
    }

    /** The resolved layer (the first when there are several); for FullGrad, an entry describing its inputs. */
    public LayerInfo layer() {
        if (layers.isEmpty() && method instanceof AttentionRollout) {
            return new LayerInfo("attention", "every attention layer", method.name(),
                    settings.model.inputs().get(0).shape());
        }
        if (layers.isEmpty()) {
            return new LayerInfo("full-gradient", "input and bias layers", "FullGrad",
                    settings.model.inputs().get(0).shape());
        }
        return layers.get(0);
    }

    /** Every resolved layer, in the order given; empty for methods that use no layer (FullGrad). */
    public List<LayerInfo> layers() {
        return layers;
    }

    /**
     * The layout each resolved layer's values are read in (grid filled in), as detected by the backend or forced
     * with {@link Builder#layerLayout}; null for a layer whose values are read as they are (e.g. 5-D feature maps of
     * 3-D convolutions) or that is not one of this explainer's layers.
     */
    public LayerLayout layout(LayerInfo layer) {
        InvalidArgumentException.requireNonNull(layer, "layer");
        return layouts.get(layer.name());
    }

    /** The method's kebab-case name. */
    public String method() {
        return method.name();
    }

    /** The method. */
    public CamMethod camMethod() {
        return method;
    }

    /** A builder with this explainer's settings, e.g. to change only the selector. */
    public Builder toBuilder() {
        return settings.copy();
    }

    /** The model, for the aug-smoothing runner. */
    DifferentiableModel model() {
        return settings.model;
    }

    /** The semantics the explainer follows. */
    public Compatibility compatibility() {
        return settings.compatibility;
    }

    /** The explained output's name or null, for the aug-smoothing runner. */
    String output() {
        return settings.output;
    }

    private static int batchOf(FloatTensor images) {
        Shape s = images.shape();
        if (s.rank() != 4 && s.rank() != 5) {
            throw new InvalidInputException("images must be a batch [N, C, H, W] (or [N, C, D, H, W] for 3-D models), got "
                    + s);
        }
        return s.intDim(0);
    }

    /** Builds {@link Explainer}s; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final DifferentiableModel model;
        private CamMethod method = CamMethods.gradCam();
        private FeatureMapSelector selector = FeatureMapSelectors.all();
        private PostProcessing post = PostProcessing.defaults();
        private GradientMode mode = GradientMode.STANDARD;
        private List<String> layers = List.of("auto");
        private String output;
        private int outHeight;
        private int outWidth;
        private boolean eigenSmooth;
        private AugSmoothing aug;
        private LayerFusion fusion = LayerFusions.mean();
        private ProgressListener progress = ProgressListener.NONE;
        private LayerLayout layout;
        private Compatibility compatibility = Compatibility.GRADCAM;

        private Builder(DifferentiableModel model) {
            this.model = InvalidArgumentException.requireNonNull(model, "model");
        }

        private Builder copy() {
            Builder b = new Builder(model);
            b.method = method;
            b.selector = selector;
            b.post = post;
            b.mode = mode;
            b.layers = layers;
            b.output = output;
            b.outHeight = outHeight;
            b.outWidth = outWidth;
            b.eigenSmooth = eigenSmooth;
            b.aug = aug;
            b.fusion = fusion;
            b.progress = progress;
            b.layout = layout;
            b.compatibility = compatibility;
            return b;
        }

        /** The layer: a tensor name, node name, module path such as {@code layer4}, or {@code auto} (default). */
        public Builder layer(String layer) {
            this.layers = List.of(InvalidArgumentException.requireNonNull(layer, "layer"));
            return this;
        }

        /**
         * Several layers (multi-layer CAM): one map per layer, combined by the {@link #fusion(LayerFusion) fusion}.
         *
         * @throws InvalidArgumentException if none is given
         */
        public Builder layers(String... layers) {
            InvalidArgumentException.requireNonNull(layers, "layers");
            InvalidArgumentException.requireNonNull(layers, "layers");
            return layers(List.of(layers));
        }

        /** As {@link #layers(String...)}. */
        public Builder layers(List<String> layers) {
            if (InvalidArgumentException.requireNonNull(layers, "layers").isEmpty()) {
                throw new InvalidArgumentException("give at least one layer");
            }
            this.layers = List.copyOf(layers);
            return this;
        }

        /**
         * How the layers hold their feature maps: {@link LayerLayout#channelsFirst()},
         * {@link LayerLayout#channelsLast()}, {@link LayerLayout#tokens(int)} (K leading tokens before the patch grid),
         * or null (default) to take what the backend detects from the graph ({@link DifferentiableModel#layoutOf}).
         * Every method reads every layout: maps come out [N, h, w].
         */
        public Builder layerLayout(LayerLayout layout) {
            this.layout = layout;
            return this;
        }

        /** The method (default Grad-CAM). */
        public Builder method(CamMethod method) {
            this.method = InvalidArgumentException.requireNonNull(method, "method");
            return this;
        }

        /** A method from a name and a reducer, e.g. your own weighting. */
        public Builder method(String name, GradientReducer reducer) {
            return method(CamMethods.fromReducer(InvalidArgumentException.requireNonNull(name, "name"),
                    InvalidArgumentException.requireNonNull(reducer, "reducer")));
        }

        /** Which feature maps count (default: all). */
        public Builder selector(FeatureMapSelector selector) {
            this.selector = InvalidArgumentException.requireNonNull(selector, "selector");
            return this;
        }

        /** Activation, normalisation and upsampling together. */
        public Builder postProcessing(PostProcessing post) {
            this.post = InvalidArgumentException.requireNonNull(post, "post");
            return this;
        }

        /** ReLU (default), signed or absolute maps. */
        public Builder activation(MapActivation activation) {
            this.post = post.withActivation(activation);
            return this;
        }

        /** The normalisation policy (default per-image min-max). */
        public Builder normalization(Normalization normalization) {
            this.post = post.withNormalization(normalization);
            return this;
        }

        /** Whether heatmaps are upsampled to the input size (default true). */
        public Builder upsample(boolean upsample) {
            this.post = post.withUpsample(upsample);
            return this;
        }

        /**
         * Heatmap size when it should differ from the input's, width first: {@code outputSize(Size.of(640, 480))}
         * makes maps 640 wide and 480 high, {@code [N, 480, 640]}. The input's size is read from {@code [N, C, H, W]},
         * or from {@code [N, H, W, C]} where the last axis is at most 4 long, the two before it are longer and the
         * layer's maps have the aspect of that reading (a channels-last export); the explanation's diagnostics say
         * when an input looked channels-last, and which reading was taken.
         */
        public Builder outputSize(Size size) {
            InvalidArgumentException.requireNonNull(size, "size");
            this.outHeight = size.height();
            this.outWidth = size.width();
            return this;
        }

        /** The model output to explain, by name (default: the first). */
        public Builder output(String output) {
            this.output = output;
            return this;
        }

        /** How gradients flow back (default standard). */
        public Builder gradientMode(GradientMode mode) {
            this.mode = InvalidArgumentException.requireNonNull(mode, "mode");
            return this;
        }

        /** Maps as the first principal component of the weighted feature maps instead of their sum (default off). */
        public Builder eigenSmooth(boolean on) {
            this.eigenSmooth = on;
            return this;
        }

        /** Averages over test-time augmentations; null (default) for none. */
        public Builder augSmoothing(AugSmoothing aug) {
            this.aug = aug;
            return this;
        }

        /** How several layers' maps combine (default {@link LayerFusions#mean()}, as pytorch-grad-cam). */
        public Builder fusion(LayerFusion fusion) {
            this.fusion = InvalidArgumentException.requireNonNull(fusion, "fusion");
            return this;
        }

        /**
         * Whose semantics to follow (default {@link Compatibility#GRADCAM}: the papers). With
         * {@link Compatibility#PYTORCH_GRAD_CAM} every method and the post-processing reproduce pytorch-grad-cam's
         * master: the method is replaced by {@code method.compatible(PYTORCH_GRAD_CAM)} when the explainer is built,
         * heatmaps are ReLU, per-layer min-max, resize, mean over layers and min-max again (the fusion set here is
         * then not used), and aug-smoothing picks each augmented copy's own top class, as pytorch-grad-cam does when
         * no target is given. The differences are tabled in docs/methods.md.
         */
        public Builder compatibility(Compatibility compatibility) {
            this.compatibility = InvalidArgumentException.requireNonNull(compatibility, "compatibility");
            return this;
        }

        /** Hears the progress of long methods (Score-CAM, Ablation-CAM). */
        public Builder progress(ProgressListener progress) {
            this.progress = InvalidArgumentException.requireNonNull(progress, "progress");
            return this;
        }

        /**
         * Resolves the layers and checks the backend's capabilities.
         *
         * @throws UnknownLayerException          if a layer matches nothing (with the nearest names)
         * @throws UnsupportedCapabilityException if the backend lacks what the method or the gradient mode needs
         * @throws ResourceClosedException        if the model is closed
         */
        public Explainer build() {
            if (model.isClosed()) {
                throw new ResourceClosedException("the model");
            }
            CamMethod method = this.method.compatible(compatibility);
            for (Capability c : Capability.values()) {
                if (method.requiredCapabilities().contains(c) && !model.capabilities().contains(c)) {
                    throw new UnsupportedCapabilityException(c, model.backendName(), "method '" + method.name()
                            + "' needs it; methods this backend can run: " + runnable());
                }
            }
            if (!model.supports(mode)) {
                throw new UnsupportedCapabilityException("gradient mode '" + mode + "'", model.backendName(),
                        "available: " + model.gradientModes());
            }
            if (output != null && model.outputs().stream().noneMatch(v -> v.name().equals(output))) {
                output = explainedLayer(output);
            }
            List<LayerInfo> resolved = new ArrayList<>();
            Map<String, LayerLayout> layouts = new LinkedHashMap<>();
            if (method.usesLayers()) {
                for (String l : layers) {
                    LayerInfo info = model.resolveLayer(l);
                    LayerLayout found = info.shape().rank() == 5 ? null
                            : layout != null ? layout : model.layoutOf(info);
                    LayerLayout complete = found == null ? null : found.complete(info);
                    checkFeatureMap(info, complete);
                    if (resolved.stream().noneMatch(r -> r.name().equals(info.name()))) {
                        resolved.add(info);
                        if (complete != null) {
                            layouts.put(info.name(), complete);
                        }
                    }
                }
            }
            return new Explainer(this, resolved, layouts, method);
        }

        /**
         * What can be known before running: a layer of known rank must hold feature maps in a layout (channels
         * first or last, tokens) or be 5-D, and the selector must fit its channel count when the model declares it.
         */
        private void checkFeatureMap(LayerInfo info, LayerLayout found) {
            Shape s = info.shape();
            // Rank 0 is how backends list a layer whose rank they cannot infer: checked when it runs.
            if (s.rank() > 0 && s.rank() != 4 && s.rank() != 5 && found == null) {
                throw new InvalidInputException("layer " + info.describe() + " is not a 4-D feature map [N, K, h, w] "
                        + "(nor channels last [N, h, w, K], tokens [N, T + h*w, K] or 5-D [N, K, d, h, w]); "
                        + "class-activation methods need feature maps: choose a convolutional or transformer block "
                        + "layer (or 'auto'), or give its layout (layerLayout)");
            }
            long channels = s.rank() == 5 || (s.rank() == 4 && (found == null
                    || found.kind() == LayerLayout.Kind.CHANNELS_FIRST)) ? s.dim(1)
                    : found == null ? -1
                    : found.kind() == LayerLayout.Kind.CHANNELS_LAST ? s.dim(3) : s.dim(2);
            if (channels > 0) {
                selector.checkChannels((int) Math.min(Integer.MAX_VALUE, channels), info.name());
            }
        }

        /**
         * An output that is not a model output names a layer, e.g. the logits before a final softmax: explaining it
         * needs {@link Capability#LAYER_OUTPUT}.
         */
        private String explainedLayer(String query) {
            List<String> outputs = model.outputs().stream().map(v -> v.name()).toList();
            LayerInfo layer;
            try {
                layer = model.resolveLayer(query);
            } catch (UnknownLayerException e) {
                throw new UnknownOutputException("unknown output '" + query + "'; the model's outputs are " + outputs
                        + ", and no layer matches it either (nearest: " + e.nearest() + ")");
            }
            if (outputs.contains(layer.name())) {
                return layer.name();
            }
            if (!model.capabilities().contains(Capability.LAYER_OUTPUT)) {
                throw new UnsupportedCapabilityException(Capability.LAYER_OUTPUT, model.backendName(),
                        "'" + query + "' is layer " + layer.name() + ", not a model output " + outputs);
            }
            return layer.name();
        }

        private List<String> runnable() {
            return CamMethods.names().stream()
                    .filter(n -> model.capabilities().containsAll(CamMethods.byName(n).requiredCapabilities()))
                    .toList();
        }
    }
}
