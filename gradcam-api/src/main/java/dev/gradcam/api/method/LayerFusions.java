package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.post.Bilinear;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

/**
 * The built-in {@link LayerFusion}s. Every family of strategies has its factories on a companion class named in the
 * plural ({@code Targets}, {@code CamMethods}, {@code FeatureMapSelectors}, ...); the interface stays a
 * single-method type users implement with a lambda.
 */
public final class LayerFusions {

    private LayerFusions() {
    }

    /**
     * pytorch-grad-cam's {@code aggregate_multi_layers}: each layer's map goes through the activation, a per-image
     * min-max to [0, 1] and bilinear upsampling; the fused map is their mean (the explainer then min-max scales it
     * again, as pytorch-grad-cam does). Every layer counts equally whatever its raw magnitude.
     */
    public static LayerFusion mean() {
        return (raw, act, h, w) -> {
            float[] acc = new float[raw.get(0).shape().intDim(0) * h * w];
            for (FloatTensor r : raw) {
                float[] s = Fusions.scaled(r, act, h, w).toArray();
                for (int i = 0; i < acc.length; i++) {
                    acc[i] += s[i] / raw.size();
                }
            }
            return FloatTensor.wrapOwned(Shape.of(raw.get(0).shape().dim(0), h, w), acc);
        };
    }

    /**
     * Refine-CAM's fusion (pytorch-grad-cam's {@code RefineCAM}): each layer's map scaled as in {@link #mean()}, then
     * the element-wise product over layers, so a region survives only where every layer finds it; deep layers'
     * coarse maps gate shallow layers' noisy, detailed ones. With {@code rescaleAfterUpsampling} each layer's map is
     * min-max scaled once more after the resize, as pytorch-grad-cam's per-layer heatmaps are.
     */
    public static LayerFusion product(boolean rescaleAfterUpsampling) {
        return (raw, act, h, w) -> {
            float[] acc = null;
            for (FloatTensor r : raw) {
                FloatTensor scaled = Fusions.scaled(r, act, h, w);
                float[] s = (rescaleAfterUpsampling ? Normalizations.perImageMinMax().apply(scaled) : scaled).toArray();
                if (acc == null) {
                    acc = s;
                } else {
                    for (int i = 0; i < acc.length; i++) {
                        acc[i] *= s[i];
                    }
                }
            }
            return FloatTensor.wrapOwned(Shape.of(raw.get(0).shape().dim(0), h, w), acc);
        };
    }

    /** As {@link #mean()} but the element-wise maximum over layers: a region counts if any layer finds it. */
    public static LayerFusion max() {
        return (raw, act, h, w) -> Fusions.maximum(raw, h, w, r -> Fusions.scaled(r, act, h, w));
    }

    /** {@link #layerCam(double)} with the paper's gamma = 2. */
    public static LayerFusion layerCam() {
        return layerCam(2.0);
    }

    /**
     * LayerCAM's fusion (Jiang et al. 2021, Eq. 9): each layer's map M (after the activation) is rescaled per image to
     * {@code tanh(gamma * M / max(M))}, which lifts the weak values of shallow layers, upsampled, and the layers are
     * combined by element-wise maximum (as torchcam does). A map with no positive value stays 0.
     *
     * @throws InvalidArgumentException unless gamma > 0
     */
    public static LayerFusion layerCam(double gamma) {
        if (!(gamma > 0)) {
            throw new InvalidArgumentException("gamma must be > 0, got " + gamma);
        }
        return (raw, act, h, w) -> Fusions.maximum(raw, h, w, r -> {
            int n = r.shape().intDim(0);
            float[] a = r.toArray();
            int per = a.length / n;
            for (int i = 0; i < n; i++) {
                float max = 0;
                for (int j = i * per; j < (i + 1) * per; j++) {
                    a[j] = act.apply(a[j]);
                    max = Math.max(max, a[j]);
                }
                for (int j = i * per; j < (i + 1) * per; j++) {
                    a[j] = max > 0 ? (float) Math.tanh(gamma * a[j] / max) : 0f;
                }
            }
            return Bilinear.resize(FloatTensor.wrapOwned(r.shape(), a), h, w);
        });
    }
}
