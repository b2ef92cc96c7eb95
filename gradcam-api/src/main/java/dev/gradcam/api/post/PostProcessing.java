package dev.gradcam.api.post;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;

/**
 * Turns raw signed maps at layer resolution [N, h, w] into display heatmaps: activation (ReLU, signed, abs), then
 * normalisation, then bilinear upsampling to the input size, the order pytorch-grad-cam uses.
 *
 * @param activation    what is kept of the signed map
 * @param normalization how maps are scaled
 * @param upsample      whether maps are resized to the input's height and width
 */
public record PostProcessing(MapActivation activation, Normalization normalization, boolean upsample) {

    public PostProcessing {
        InvalidArgumentException.requireNonNull(activation, "activation");
        InvalidArgumentException.requireNonNull(normalization, "normalization");
    }

    /** Grad-CAM's defaults: ReLU, per-image min-max, upsampled. */
    public static PostProcessing defaults() {
        return new PostProcessing(MapActivation.RELU, Normalizations.perImageMinMax(), true);
    }

    /** Applies the steps to a batch of raw maps [N, h, w]; {@code height}/{@code width} are the input's. */
    public FloatTensor apply(FloatTensor raw, int height, int width) {
        InvalidArgumentException.requireNonNull(raw, "raw");
        float[] a = raw.toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = activation.apply(a[i]);
        }
        FloatTensor maps = normalization.apply(FloatTensor.wrapOwned(raw.shape(), a));
        return upsample ? Bilinear.resize(maps, height, width) : maps;
    }

    /**
     * As {@link #apply} for volumes [N, d, h, w] (3-D convolutions), upsampled trilinearly (half-pixel centres) to
     * [N, depth, height, width].
     */
    public FloatTensor applyVolume(FloatTensor raw, int depth, int height, int width) {
        InvalidArgumentException.requireNonNull(raw, "raw");
        float[] a = raw.toArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = activation.apply(a[i]);
        }
        FloatTensor maps = normalization.apply(FloatTensor.wrapOwned(raw.shape(), a));
        return upsample ? Bilinear.resizeVolume(maps, depth, height, width) : maps;
    }

    public PostProcessing withActivation(MapActivation a) {
        return new PostProcessing(a, normalization, upsample);
    }

    public PostProcessing withNormalization(Normalization n) {
        return new PostProcessing(activation, n, upsample);
    }

    public PostProcessing withUpsample(boolean u) {
        return new PostProcessing(activation, normalization, u);
    }
}
