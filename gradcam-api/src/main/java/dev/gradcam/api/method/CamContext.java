package dev.gradcam.api.method;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.cam.ChannelStats;
import dev.gradcam.api.cam.FeatureMapSelector;
import dev.gradcam.api.cam.FeatureMapSelectors;
import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Everything a {@link CamMethod} sees for one batch: the model, the images and their targets, the pass the explainer
 * already ran (activations at every requested layer, plus gradients when the method asked for them), and the user's
 * settings (selector, eigen-smoothing, progress listener). Immutable; build with {@link #builder}.
 */
public final class CamContext {

    private final DifferentiableModel model;
    private final FloatTensor images;
    private final List<Target> targets;
    private final String output;
    private final PassResult pass;
    private final List<LayerInfo> layers;
    private final FeatureMapSelector selector;
    private final boolean eigenSmooth;
    private final ProgressListener progress;
    private final Consumer<String> diagnostics;
    private final Map<String, LayerLayout> layouts;

    private CamContext(Builder b) {
        this.model = b.model;
        this.images = b.images;
        this.targets = List.copyOf(b.targets);
        this.output = b.output;
        this.pass = b.pass;
        this.layers = List.copyOf(b.layers);
        this.selector = b.selector;
        this.eigenSmooth = b.eigenSmooth;
        this.progress = b.progress;
        this.diagnostics = b.diagnostics;
        this.layouts = Map.copyOf(b.layouts);
        if (targets.size() != images.shape().dim(0)) {
            throw new InvalidInputException("need one target per image: " + images.shape().dim(0) + " images, "
                    + targets.size() + " targets");
        }
    }

    /**
     * A builder.
     *
     * @param model   the model (not closed by the context)
     * @param images  the batch [N, C, H, W]
     * @param targets one per image
     * @param pass    the explainer's pass over {@code images}
     */
    public static Builder builder(DifferentiableModel model, FloatTensor images, List<Target> targets,
                                  PassResult pass) {
        return new Builder(model, images, targets, pass);
    }

    public DifferentiableModel model() {
        return model;
    }

    /** The batch [N, C, H, W]. */
    public FloatTensor images() {
        return images;
    }

    /**
     * The activations at a layer as a 2-D feature map [N, K, h, w], for methods that work on images only.
     *
     * @throws InvalidInputException naming the method if the layer is a 3-D feature map
     */
    public FloatTensor activations2d(LayerInfo layer, String method) {
        FloatTensor a = activations(layer);
        if (a.shape().rank() != 4) {
            throw new InvalidInputException(method + " works on 2-D feature maps [N, K, h, w]; layer "
                    + layer.describe() + " is a 3-D feature map " + a.shape() + " (use grad-cam, hires-cam, layer-cam, "
                    + "eigen-cam, fem, kpca-cam or ablation-cam there)");
        }
        return a;
    }

    /** Number of images N. */
    public int batchSize() {
        return images.shape().intDim(0);
    }

    /**
     * One target per image. The explainer pins the top-class target to the class the unmodified image scores highest
     * ({@code Targets.classLogit(c)}), so scores of masked or ablated inputs are about the same class.
     */
    public List<Target> targets() {
        return targets;
    }

    /** The output explained, or null for the model's first. */
    public String output() {
        return output;
    }

    /** The pass over the images: outputs, activations at {@link #layers()}, gradients if requested. */
    public PassResult pass() {
        return pass;
    }

    /** The layers to explain, in the user's order (empty for methods that use no layer). */
    public List<LayerInfo> layers() {
        return layers;
    }

    public FeatureMapSelector selector() {
        return selector;
    }

    /** Whether maps are the first principal component of the weighted maps instead of their sum. */
    public boolean eigenSmooth() {
        return eigenSmooth;
    }

    public ProgressListener progress() {
        return progress;
    }

    /** Records a warning worth showing the user, e.g. why a weight is undefined; it ends up in the explanation. */
    public void diagnose(String message) {
        diagnostics.accept(InvalidArgumentException.requireNonNull(message, "message"));
    }

    /** Each image's target score on the unmodified images. */
    public double[] scores() {
        return Targets.scores(targets, pass.output());
    }

    /**
     * The activations at a layer as feature maps [N, K, h, w] (or [N, K, d, h, w] for 3-D convolutions: video,
     * volumes), whatever the layer's {@link #layout layout}: token and channels-last values are rearranged (leading
     * tokens dropped), so that every method serves every layout.
     *
     * @throws InvalidInputException if the layer's values are not feature maps
     */
    public FloatTensor activations(LayerInfo layer) {
        FloatTensor a = pass.activation(layer.name());
        LayerLayout layout = layouts.get(layer.name());
        if (layout != null) {
            return layout.toChannelsFirst(a);
        }
        if (a.shape().rank() != 4 && a.shape().rank() != 5) {
            throw new InvalidInputException("layer " + layer.describe() + " gives activations of shape " + a.shape()
                    + "; class-activation maps need feature maps: a 4-D layer [N, K, h, w] or [N, h, w, K], "
                    + "tokens [N, K + h*w, C], or a 5-D one [N, K, d, h, w] from 3-D convolutions (choose another "
                    + "layer, 'auto', or give the layer layout)");
        }
        return a;
    }

    /** The gradients at a layer, shaped as {@link #activations} gives them (the pass must have had a seed). */
    public FloatTensor gradients(LayerInfo layer) {
        FloatTensor g = pass.gradient(layer.name());
        LayerLayout layout = layouts.get(layer.name());
        return layout == null || g == null ? g : layout.toChannelsFirst(g);
    }

    /**
     * The Hessian-vector products {@code H A} at a layer, shaped as {@link #activations} gives them.
     *
     * @throws InvalidInputException if the pass did not compute them ({@link dev.gradcam.api.spi.PassRequest.Builder#hessianProducts})
     */
    public FloatTensor hessianProducts(LayerInfo layer) {
        FloatTensor h = pass.hessianProducts().get(layer.name());
        if (h == null) {
            throw new InvalidInputException("the pass computed no Hessian-vector products at " + layer.describe()
                    + "; a method using them must ask for them in configure (PassRequest.Builder.hessianProducts)");
        }
        LayerLayout layout = layouts.get(layer.name());
        return layout == null ? h : layout.toChannelsFirst(h);
    }

    /** The layer's layout (grid filled in), or channels first when none was resolved. */
    public LayerLayout layout(LayerInfo layer) {
        LayerLayout l = layouts.get(layer.name());
        return l != null ? l : LayerLayout.channelsFirst().complete(layer);
    }

    /**
     * Runs the model's head from {@code layer} on feature maps [B, K, h, w] as {@link #activations} gives them,
     * put back into the layer's layout first. A token layer's leading tokens (which the maps do not hold) are those
     * of image {@code image} of this batch for every row, or, with {@code image < 0}, each row's per-channel mean
     * over its grid (what a map that is constant over the grid, e.g. a concept embedding, would have there). With
     * an image, values the head reads from before the layer (a transformer block's residual stream) are recomputed
     * from that image; without one, the head must run from the layer alone.
     */
    public FloatTensor runHead(LayerInfo layer, FloatTensor maps, int image) {
        LayerLayout layout = layouts.get(layer.name());
        FloatTensor leading = null;
        if (layout != null && layout.kind() != LayerLayout.Kind.CHANNELS_FIRST) {
            leading = image >= 0 ? leadingTokens(layer, image) : gridMeans(maps, layout.leadingTokens());
        }
        return runHead(layer, maps, image, leading);
    }

    /**
     * The leading tokens [1, K, C] (class token, distillation token) of image {@code image} at a token layer, as the
     * pass computed them; K is 0 for other layouts.
     */
    public FloatTensor leadingTokens(LayerInfo layer, int image) {
        LayerLayout layout = layouts.get(layer.name());
        FloatTensor a = pass.activation(layer.name()).slice(image);
        if (layout == null || layout.kind() != LayerLayout.Kind.TOKENS) {
            int c = layout == null || layout.kind() == LayerLayout.Kind.CHANNELS_FIRST ? a.shape().intDim(0)
                    : a.shape().intDim(a.shape().rank() - 1);
            return FloatTensor.wrapOwned(Shape.of(1, 0, c), new float[0]);
        }
        return layout.leadingTokens(a.reshape(a.shape().prepend(1)));
    }

    /**
     * As {@link #runHead(LayerInfo, FloatTensor, int)}, with the leading tokens of a token layer given: [B, K, C],
     * one row per map (or [1, K, C] for all), e.g. with a channel ablated there too. Ignored for other layouts.
     */
    public FloatTensor runHead(LayerInfo layer, FloatTensor maps, int image, FloatTensor leading) {
        LayerLayout layout = layouts.get(layer.name());
        FloatTensor values = maps;
        if (layout != null && layout.kind() != LayerLayout.Kind.CHANNELS_FIRST) {
            values = layout.fromChannelsFirst(maps, leading);
        }
        if (image < 0) {
            return model.runHead(layer.name(), values, output);
        }
        FloatTensor img = images.slice(image);
        return model.runHead(layer.name(), values, output, img.reshape(img.shape().prepend(1)));
    }

    private static FloatTensor gridMeans(FloatTensor maps, int leading) {
        int b = maps.shape().intDim(0);
        int c = maps.shape().intDim(1);
        int plane = maps.shape().intDim(2) * maps.shape().intDim(3);
        float[] out = new float[b * leading * c];
        for (int i = 0; i < b; i++) {
            for (int ch = 0; ch < c; ch++) {
                double sum = 0;
                for (int p = 0; p < plane; p++) {
                    sum += maps.getFlat((i * c + ch) * plane + p);
                }
                for (int k = 0; k < leading; k++) {
                    out[(i * leading + k) * c + ch] = (float) (sum / plane);
                }
            }
        }
        return FloatTensor.wrapOwned(Shape.of(b, leading, c), out);
    }

    /**
     * Applies the selector and checks its answer.
     *
     * @throws InvalidInputException if the selector returns null or a mask of the wrong size
     */
    public ChannelMask select(ChannelStats stats) {
        ChannelMask mask = selector.select(stats);
        if (mask == null || mask.channels() != stats.channels()) {
            throw new InvalidInputException("the feature-map selector returned "
                    + (mask == null ? "null" : "a mask of " + mask.channels() + " channels")
                    + " for " + stats.channels() + " channels");
        }
        return mask;
    }

    /** Builds {@link CamContext}s. Not thread-safe. */
    public static final class Builder {
        private final DifferentiableModel model;
        private final FloatTensor images;
        private final List<Target> targets;
        private final PassResult pass;
        private String output;
        private List<LayerInfo> layers = List.of();
        private FeatureMapSelector selector = FeatureMapSelectors.all();
        private boolean eigenSmooth;
        private ProgressListener progress = ProgressListener.NONE;
        private Consumer<String> diagnostics = m -> { };
        private Map<String, LayerLayout> layouts = Map.of();

        private Builder(DifferentiableModel model, FloatTensor images, List<Target> targets, PassResult pass) {
            this.model = InvalidArgumentException.requireNonNull(model, "model");
            this.images = InvalidArgumentException.requireNonNull(images, "images");
            this.targets = InvalidArgumentException.requireNonNull(targets, "targets");
            this.pass = InvalidArgumentException.requireNonNull(pass, "pass");
        }

        public Builder output(String output) {
            this.output = output;
            return this;
        }

        public Builder layers(List<LayerInfo> layers) {
            this.layers = InvalidArgumentException.requireNonNull(layers, "layers");
            return this;
        }

        public Builder selector(FeatureMapSelector selector) {
            this.selector = InvalidArgumentException.requireNonNull(selector, "selector");
            return this;
        }

        public Builder eigenSmooth(boolean eigenSmooth) {
            this.eigenSmooth = eigenSmooth;
            return this;
        }

        public Builder progress(ProgressListener progress) {
            this.progress = InvalidArgumentException.requireNonNull(progress, "progress");
            return this;
        }

        /** Where {@link CamContext#diagnose} messages go (default: dropped). */
        public Builder diagnostics(Consumer<String> sink) {
            this.diagnostics = InvalidArgumentException.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Layer layouts by layer name, grids filled in ({@link LayerLayout#complete}); layers not named are
         * channels first.
         */
        public Builder layouts(Map<String, LayerLayout> layouts) {
            this.layouts = InvalidArgumentException.requireNonNull(layouts, "layouts");
            return this;
        }

        /**
         * Builds the context.
         *
         * @throws InvalidInputException if the number of targets differs from the batch size
         */
        public CamContext build() {
            return new CamContext(this);
        }
    }
}
