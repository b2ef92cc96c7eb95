package dev.gradcam.api;

import dev.gradcam.api.cam.CamMath;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.cam.ChannelStats;
import dev.gradcam.api.cam.FeatureMapSelector;
import dev.gradcam.api.cam.FeatureMapSelectors;
import dev.gradcam.api.cam.GradientReducer;
import dev.gradcam.api.cam.GradientReducers;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalization;
import dev.gradcam.api.post.PostProcessing;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.DifferentiableModel;
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
import java.util.List;
import java.util.Objects;

/**
 * Explains a model's decisions with a gradient class-activation method at one layer.
 *
 * <pre>{@code
 * Explainer explainer = Explainer.gradCam(model).layer("layer4").selector(FeatureMapSelectors.positive()).build();
 * Explanation e = explainer.explain(images, Targets.classLogit(281));
 * }</pre>
 *
 * <p>Immutable and thread-safe when the model is (every backend's models are). The explainer does not own the model:
 * close the model yourself; explaining with a closed model throws {@link ResourceClosedException}.
 */
public final class Explainer {

    private final DifferentiableModel model;
    private final String method;
    private final GradientReducer reducer;
    private final FeatureMapSelector selector;
    private final PostProcessing post;
    private final GradientMode mode;
    private final LayerInfo layer;
    private final String layerQuery;
    private final String output;
    private final int outHeight;
    private final int outWidth;

    private Explainer(Builder b, LayerInfo layer) {
        this.model = b.model;
        this.method = b.method;
        this.reducer = b.reducer;
        this.selector = b.selector;
        this.post = b.post;
        this.mode = b.mode;
        this.layer = layer;
        this.layerQuery = b.layer;
        this.output = b.output;
        this.outHeight = b.outHeight;
        this.outWidth = b.outWidth;
    }

    /** Grad-CAM (Selvaraju et al. 2017): channel weights are spatially averaged gradients. */
    public static Builder gradCam(DifferentiableModel model) {
        return builder(model).method("grad-cam", GradientReducers.globalAverage());
    }

    /** HiResCAM (Draelos and Carin 2020): gradients times activations, element-wise, summed over channels. */
    public static Builder hiResCam(DifferentiableModel model) {
        return builder(model).method("hires-cam", GradientReducers.elementwise());
    }

    /** XGrad-CAM (Fu et al. 2020). */
    public static Builder xGradCam(DifferentiableModel model) {
        return builder(model).method("xgrad-cam", GradientReducers.xGradCam());
    }

    /** Grad-CAM++ (Chattopadhyay et al. 2018). */
    public static Builder gradCamPlusPlus(DifferentiableModel model) {
        return builder(model).method("grad-cam-plus-plus", GradientReducers.gradCamPlusPlus());
    }

    /** A builder with Grad-CAM's reducer; set another with {@link Builder#method}. */
    public static Builder builder(DifferentiableModel model) {
        return new Builder(model);
    }

    /** Explains each image's top class. */
    public Explanation explain(FloatTensor images) {
        return explain(images, Collections.nCopies(batchOf(images), Targets.topClass()));
    }

    /** Explains the same target for every image. */
    public Explanation explain(FloatTensor images, Target target) {
        Objects.requireNonNull(target, "target");
        return explain(images, Collections.nCopies(batchOf(images), target));
    }

    /**
     * Explains a batch [N, C, H, W] with one target per image.
     *
     * @throws InvalidInputException   if the batch and targets disagree, or the layer is not a 4-D feature map
     * @throws ResourceClosedException if the model has been closed
     */
    public Explanation explain(FloatTensor images, List<Target> targets) {
        Objects.requireNonNull(images, "images");
        Objects.requireNonNull(targets, "targets");
        if (model.isClosed()) {
            throw new ResourceClosedException("the model behind this explainer");
        }
        int n = batchOf(images);
        long t0 = System.nanoTime();
        PassResult pass = model.run(PassRequest.builder(images)
                .output(output)
                .tap(layer.name())
                .seed(Targets.seedFor(targets, n))
                .mode(mode)
                .build());
        long t1 = System.nanoTime();

        FloatTensor acts = pass.activation(layer.name());
        FloatTensor grads = pass.gradient(layer.name());
        checkFeatureMap(acts);
        List<String> diagnostics = new ArrayList<>();
        List<FloatTensor> weights = new ArrayList<>(n);
        List<ChannelMask> masks = new ArrayList<>(n);
        List<FloatTensor> raw = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FloatTensor a = acts.slice(i);
            FloatTensor g = grads.slice(i);
            FloatTensor w = reducer.reduce(a, g);
            ChannelStats stats = CamMath.stats(i, a, g, w);
            ChannelMask mask = selector.select(stats);
            if (mask == null || mask.channels() != stats.channels()) {
                throw new InvalidInputException("the feature-map selector returned "
                        + (mask == null ? "null" : "a mask of " + mask.channels() + " channels")
                        + " for " + stats.channels() + " channels");
            }
            FloatTensor map = CamMath.combine(a, w, mask);
            diagnose(i, g, stats, mask, map, diagnostics);
            weights.add(w);
            masks.add(mask);
            raw.add(map);
        }
        FloatTensor rawMaps = FloatTensor.stack(raw);
        long t2 = System.nanoTime();

        int h = outHeight > 0 ? outHeight : images.shape().intDim(2);
        int w = outWidth > 0 ? outWidth : images.shape().intDim(3);
        FloatTensor heatmaps = post.apply(rawMaps, h, w);
        long t3 = System.nanoTime();

        double[] scores = Targets.scores(targets, pass.output());
        int[] classes = new int[n];
        List<String> described = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            classes[i] = targets.get(i).classIndex(pass.output().slice(i)).orElse(-1);
            described.add(targets.get(i).describe());
        }
        Provenance provenance = new Provenance(method, layer.name(), model.backendName(), model.executionProvider(),
                mode.name(), LibraryVersion.get(), model.provenance());
        Timings timings = new Timings(Duration.ofNanos(t1 - t0), Duration.ofNanos(t2 - t1), Duration.ofNanos(t3 - t2),
                Duration.ofNanos(t3 - t0));
        return new Explanation(heatmaps, rawMaps, weights, masks, scores, classes, described, diagnostics, layer,
                provenance, timings);
    }

    /** The resolved layer. */
    public LayerInfo layer() {
        return layer;
    }

    /** The method's kebab-case name. */
    public String method() {
        return method;
    }

    /** A builder with this explainer's settings, e.g. to change only the selector. */
    public Builder toBuilder() {
        Builder b = new Builder(model).method(method, reducer).selector(selector).postProcessing(post)
                .gradientMode(mode).layer(layerQuery).output(output);
        b.outHeight = outHeight;
        b.outWidth = outWidth;
        return b;
    }

    private void diagnose(int i, FloatTensor g, ChannelStats stats, ChannelMask mask, FloatTensor map,
                          List<String> out) {
        if (!map.allFinite()) {
            out.add("image " + i + ": the map contains NaN or infinite values (non-finite activations or gradients)");
            return;
        }
        if (g.norm() == 0) {
            out.add("image " + i + ": gradients at " + layer.name() + " are all zero: the target does not depend on "
                    + "this layer here (saturated units, or a layer after the output?)");
            return;
        }
        if (mask.count() == 0) {
            out.add("image " + i + ": the feature-map selector kept no channel, so the map is zero");
            return;
        }
        boolean allNegative = true;
        for (int k : mask.indices()) {
            allNegative &= stats.weight(k) < 0;
        }
        if (allNegative && post.activation() == MapActivation.RELU && map.max() <= 0) {
            out.add("image " + i + ": all selected weights are negative: the ReLU map is blank; use signed or "
                    + "absolute maps (MapActivation.SIGNED / ABS) to see the negative evidence");
        } else if (post.activation() == MapActivation.RELU && map.max() <= 0) {
            out.add("image " + i + ": the map has no positive value, so the ReLU map is blank; use signed maps to see "
                    + "it");
        } else if (map.max() == map.min()) {
            out.add("image " + i + ": the map is constant");
        }
    }

    private void checkFeatureMap(FloatTensor acts) {
        if (acts.shape().rank() != 4) {
            throw new InvalidInputException("layer " + layer.describe() + " gives activations of shape " + acts.shape()
                    + "; class-activation maps need a 4-D feature map [N, K, h, w]: choose a convolutional layer "
                    + "(or 'auto')");
        }
    }

    private static int batchOf(FloatTensor images) {
        Shape s = images.shape();
        if (s.rank() != 4) {
            throw new InvalidInputException("images must be a batch [N, C, H, W], got " + s);
        }
        return s.intDim(0);
    }

    /** Builds {@link Explainer}s; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final DifferentiableModel model;
        private String method = "grad-cam";
        private GradientReducer reducer = GradientReducers.globalAverage();
        private FeatureMapSelector selector = FeatureMapSelectors.all();
        private PostProcessing post = PostProcessing.defaults();
        private GradientMode mode = GradientMode.STANDARD;
        private String layer = "auto";
        private String output;
        private int outHeight;
        private int outWidth;

        private Builder(DifferentiableModel model) {
            this.model = Objects.requireNonNull(model, "model");
        }

        /** The layer: a tensor name, node name, module path such as {@code layer4}, or {@code auto} (default). */
        public Builder layer(String layer) {
            this.layer = Objects.requireNonNull(layer, "layer");
            return this;
        }

        /** A method from a name and a reducer, e.g. your own weighting. */
        public Builder method(String name, GradientReducer reducer) {
            this.method = Objects.requireNonNull(name, "name");
            this.reducer = Objects.requireNonNull(reducer, "reducer");
            return this;
        }

        /** Which feature maps count (default: all). */
        public Builder selector(FeatureMapSelector selector) {
            this.selector = Objects.requireNonNull(selector, "selector");
            return this;
        }

        /** Activation, normalisation and upsampling together. */
        public Builder postProcessing(PostProcessing post) {
            this.post = Objects.requireNonNull(post, "post");
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

        /** Heatmap size when it should differ from the input's height and width. */
        public Builder outputSize(int height, int width) {
            if (height < 1 || width < 1) {
                throw new IllegalArgumentException("output size must be positive, got " + height + "x" + width);
            }
            this.outHeight = height;
            this.outWidth = width;
            return this;
        }

        /** The model output to explain, by name (default: the first). */
        public Builder output(String output) {
            this.output = output;
            return this;
        }

        /** How gradients flow back (default standard). */
        public Builder gradientMode(GradientMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /**
         * Resolves the layer and checks the backend's capabilities.
         *
         * @throws UnknownLayerException          if the layer matches nothing (with the nearest names)
         * @throws UnsupportedCapabilityException if the backend lacks layer gradients or the gradient mode
         * @throws ResourceClosedException        if the model is closed
         */
        public Explainer build() {
            if (model.isClosed()) {
                throw new ResourceClosedException("the model");
            }
            if (!model.capabilities().contains(Capability.LAYER_GRADIENTS)) {
                throw new UnsupportedCapabilityException(Capability.LAYER_GRADIENTS, model.backendName(), null);
            }
            if (!model.gradientModes().contains(mode)) {
                throw new UnsupportedCapabilityException("gradient mode '" + mode + "'", model.backendName(),
                        "available: " + model.gradientModes());
            }
            if (output != null && model.outputs().stream().noneMatch(v -> v.name().equals(output))) {
                throw new InvalidInputException("unknown output '" + output + "'; the model's outputs are "
                        + model.outputs().stream().map(v -> v.name()).toList());
            }
            return new Explainer(this, model.resolveLayer(layer));
        }
    }
}
