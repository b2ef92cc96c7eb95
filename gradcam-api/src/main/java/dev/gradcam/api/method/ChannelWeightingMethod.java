package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.cam.CamMath;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.cam.ChannelStats;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The shape shared by most CAM methods: weights for the feature maps, then the selector, then
 * {@code map = sum over selected k of w_k A_k} (per-channel weights) or {@code sum_k W_k .* A_k} (per-position
 * weights), or with eigen-smoothing the first principal component of those weighted maps. Subclasses only say how the
 * weights are computed; the selector, combination and eigen-smoothing are handled here the same way for all of them.
 */
public abstract class ChannelWeightingMethod implements CamMethod {

    private final String name;

    /** @param name the kebab-case method name */
    protected ChannelWeightingMethod(String name) {
        this.name = InvalidArgumentException.requireNonNull(name, "name");
    }

    @Override
    public final String name() {
        return name;
    }

    /**
     * Each image's weights at one layer: [K] or [K, h, w].
     *
     * @param activations [N, K, h, w]
     * @param gradients   [N, K, h, w], or null when {@link #needsGradients()} is false
     */
    protected abstract List<FloatTensor> weights(CamContext context, LayerInfo layer, FloatTensor activations,
                                                 FloatTensor gradients);

    @Override
    public final List<LayerMaps> explain(CamContext context) {
        InvalidArgumentException.requireNonNull(context, "context");
        List<LayerMaps> out = new ArrayList<>(context.layers().size());
        for (LayerInfo layer : context.layers()) {
            FloatTensor acts = context.activations(layer);
            FloatTensor grads = needsGradients() ? context.gradients(layer) : null;
            List<FloatTensor> weights = weights(context, layer, acts, grads);
            int n = acts.shape().intDim(0);
            if (weights.size() != n) {
                throw new InvalidInputException(name + " computed weights for " + weights.size() + " of " + n
                        + " images");
            }
            List<ChannelMask> masks = new ArrayList<>(n);
            List<FloatTensor> maps = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                FloatTensor a = acts.slice(i);
                FloatTensor w = weights.get(i);
                ChannelStats stats = CamMath.stats(i, a, grads == null ? null : grads.slice(i), w);
                ChannelMask mask = context.select(stats);
                masks.add(mask);
                maps.add(context.eigenSmooth() ? CamMath.eigenSmooth(a, w, mask) : CamMath.combine(a, w, mask));
            }
            out.add(new LayerMaps(layer, FloatTensor.stack(maps), weights, masks));
        }
        return out;
    }
}
