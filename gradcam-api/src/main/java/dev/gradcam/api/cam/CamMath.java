package dev.gradcam.api.cam;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

/** The arithmetic shared by gradient CAM methods: channel statistics and the weighted combination of feature maps. */
public final class CamMath {

    private CamMath() {
    }

    /** Statistics of one image's activations and gradients [K, h, w] with its weights [K] or [K, h, w]. */
    public static ChannelStats stats(int image, FloatTensor activations, FloatTensor gradients, FloatTensor weights) {
        InvalidArgumentException.requireNonNull(activations, "activations");
        InvalidArgumentException.requireNonNull(weights, "weights");
        int k = activations.shape().intDim(0);
        int hw = activations.size() / k;
        float[] w = channelWeights(weights, k);
        float[] meanA = new float[k];
        float[] meanG = new float[k];
        float[] energy = new float[k];
        for (int c = 0; c < k; c++) {
            double sa = 0;
            double sg = 0;
            double se = 0;
            for (int i = 0; i < hw; i++) {
                double a = activations.getFlat(c * hw + i);
                sa += a;
                se += a * a;
                sg += gradients == null ? 0 : gradients.getFlat(c * hw + i);
            }
            meanA[c] = (float) (sa / hw);
            meanG[c] = (float) (sg / hw);
            energy[c] = (float) (se / hw);
        }
        return new ChannelStats(image, w, meanA, meanG, energy);
    }

    /** Per-channel weights: the weights themselves, or the spatial mean of per-position weights. */
    public static float[] channelWeights(FloatTensor weights, int k) {
        InvalidArgumentException.requireNonNull(weights, "weights");
        if (weights.shape().rank() == 1 && weights.size() == k) {
            return weights.toArray();
        }
        if (weights.shape().rank() >= 3 && weights.shape().dim(0) == k) {
            int hw = weights.size() / k;
            float[] w = new float[k];
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int i = 0; i < hw; i++) {
                    s += weights.getFlat(c * hw + i);
                }
                w[c] = (float) (s / hw);
            }
            return w;
        }
        throw new InvalidInputException("weights must be [" + k + "] or [" + k + ", h, w], got " + weights.shape());
    }

    /**
     * The signed map {@code sum_k mask_k * w_k * A_k} [h, w] (per-channel weights) or
     * {@code sum_k mask_k * W_k .* A_k} (per-position weights); volumes [K, d, h, w] give [d, h, w].
     */
    public static FloatTensor combine(FloatTensor activations, FloatTensor weights, ChannelMask mask) {
        InvalidArgumentException.requireNonNull(activations, "activations");
        InvalidArgumentException.requireNonNull(weights, "weights");
        InvalidArgumentException.requireNonNull(mask, "mask");
        Shape s = activations.shape();
        if (s.rank() != 3 && s.rank() != 4) {
            throw new InvalidInputException("activations of one image must be [K, h, w] or [K, d, h, w], got " + s);
        }
        int k = s.intDim(0);
        int hw = activations.size() / k;
        if (mask.channels() != k) {
            throw new InvalidInputException("mask has " + mask.channels() + " channels, activations " + k);
        }
        boolean perPosition = weights.shape().rank() == s.rank();
        if (perPosition ? !weights.shape().equals(s) : weights.size() != k) {
            throw new InvalidInputException("weights " + weights.shape() + " fit neither [" + k + "] nor " + s);
        }
        double[] acc = new double[hw];
        for (int c = 0; c < k; c++) {
            if (!mask.isSelected(c)) {
                continue;
            }
            if (perPosition) {
                for (int i = 0; i < hw; i++) {
                    acc[i] += (double) weights.getFlat(c * hw + i) * activations.getFlat(c * hw + i);
                }
            } else {
                double w = weights.getFlat(c);
                for (int i = 0; i < hw; i++) {
                    acc[i] += w * activations.getFlat(c * hw + i);
                }
            }
        }
        float[] out = new float[hw];
        for (int i = 0; i < hw; i++) {
            out[i] = (float) acc[i];
        }
        return FloatTensor.wrapOwned(s.dropFirst(1), out);
    }

    /**
     * Eigen-smoothing (pytorch-grad-cam's {@code eigen_smooth}): instead of summing the weighted maps
     * {@code mask_k * w_k * A_k} (or {@code W_k .* A_k}), take their first principal component
     * ({@link PrincipalComponent}, centred, sign fixed so the result agrees with the plain sum). Denoises the map;
     * no longer a linear function of the weights.
     */
    public static FloatTensor eigenSmooth(FloatTensor activations, FloatTensor weights, ChannelMask mask) {
        InvalidArgumentException.requireNonNull(activations, "activations");
        InvalidArgumentException.requireNonNull(weights, "weights");
        InvalidArgumentException.requireNonNull(mask, "mask");
        Shape s = activations.shape();
        int k = s.intDim(0);
        int hw = activations.size() / k;
        boolean perPosition = weights.shape().rank() == s.rank();
        float[] x = new float[k * hw];
        for (int c = 0; c < k; c++) {
            if (!mask.isSelected(c)) {
                continue;
            }
            for (int i = 0; i < hw; i++) {
                float w = perPosition ? weights.getFlat(c * hw + i) : weights.getFlat(c);
                x[c * hw + i] = w * activations.getFlat(c * hw + i);
            }
        }
        return PrincipalComponent.of(FloatTensor.wrapOwned(s, x)).map();
    }
}
