package dev.gradcam.api.method;

import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.post.PostProcessing;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import java.util.function.UnaryOperator;

/** Steps shared by the built-in {@link LayerFusion}s. */
final class Fusions {

    private Fusions() {
    }

    /** Activation, per-image min-max, upsampling to [N, h, w]: pytorch-grad-cam's per-layer scaling. */
    static FloatTensor scaled(FloatTensor raw, MapActivation act, int h, int w) {
        return new PostProcessing(act, Normalizations.perImageMinMax(), true).apply(raw, h, w);
    }

    /** The element-wise maximum over layers of {@code perLayer(raw)}, each [N, h, w]. */
    static FloatTensor maximum(List<FloatTensor> raw, int h, int w, UnaryOperator<FloatTensor> perLayer) {
        int n = raw.get(0).shape().intDim(0);
        float[] acc = null;
        for (FloatTensor r : raw) {
            float[] s = perLayer.apply(r).toArray();
            if (acc == null) {
                acc = s;
            } else {
                for (int i = 0; i < acc.length; i++) {
                    acc[i] = Math.max(acc[i], s[i]);
                }
            }
        }
        return FloatTensor.wrapOwned(Shape.of(n, h, w), acc);
    }
}
