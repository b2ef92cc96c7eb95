package dev.gradcam.api.visualize;

import dev.gradcam.api.InvalidArgumentException;

/**
 * What keeps an optimised image natural (Yosinski et al. 2015; Mahendran and Vedaldi 2015): penalties added to the
 * loss, and transforms of the image between steps. Start from {@link #none()} and add what you want.
 *
 * @param l2Decay        weight of {@code ||x||^2 / 2} in the loss (PyTorch's {@code weight_decay})
 * @param blurEvery      blur the image every this many steps (0: never)
 * @param blurSigma      the blur's standard deviation in pixels
 * @param jitter         shift the image by up to this many pixels (random, circular) before each step, and back
 * @param totalVariation weight of the squared total variation {@code sum (x[y+1]-x[y])^2 + (x[x+1]-x[x])^2}
 * @param alphaNorm      weight of the alpha norm {@code sum |x|^alpha}
 * @param alphaExponent  alpha (6 in Mahendran and Vedaldi)
 * @param clampLow       values are clamped to at least this after each step (-infinity: no clamp)
 * @param clampHigh      values are clamped to at most this after each step (+infinity: no clamp)
 */
public record Regularization(double l2Decay, int blurEvery, double blurSigma, int jitter, double totalVariation,
                             double alphaNorm, double alphaExponent, double clampLow, double clampHigh) {

    /**
     * @throws InvalidArgumentException if a weight, sigma or shift is negative, or the clamp range is empty
     */
    public Regularization {
        if (!(l2Decay >= 0 && totalVariation >= 0 && alphaNorm >= 0 && blurSigma >= 0) || blurEvery < 0
                || jitter < 0) {
            throw new InvalidArgumentException("regularisation weights, blur and jitter must be >= 0");
        }
        if (alphaNorm > 0 && !(alphaExponent >= 1)) {
            throw new InvalidArgumentException("the alpha norm needs alpha >= 1, got " + alphaExponent);
        }
        if (!(clampLow < clampHigh)) {
            throw new InvalidArgumentException("clamp range must not be empty, got [" + clampLow + ", " + clampHigh
                    + "]");
        }
    }

    /** Nothing: plain gradient steps. */
    public static Regularization none() {
        return new Regularization(0, 0, 0, 0, 0, 0, 6, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);
    }

    /** This with an L2 penalty of weight {@code weight} (weight decay). */
    public Regularization withL2Decay(double weight) {
        return new Regularization(weight, blurEvery, blurSigma, jitter, totalVariation, alphaNorm, alphaExponent,
                clampLow, clampHigh);
    }

    /** Gaussian blur of standard deviation {@code sigma} every {@code every} steps. */
    public Regularization withBlur(int every, double sigma) {
        return new Regularization(l2Decay, every, sigma, jitter, totalVariation, alphaNorm, alphaExponent, clampLow,
                clampHigh);
    }

    /** This with random circular shifts of up to {@code pixels} before each step. */
    public Regularization withJitter(int pixels) {
        return new Regularization(l2Decay, blurEvery, blurSigma, pixels, totalVariation, alphaNorm, alphaExponent,
                clampLow, clampHigh);
    }

    /** This with a squared total-variation penalty of weight {@code weight} (smooth images). */
    public Regularization withTotalVariation(double weight) {
        return new Regularization(l2Decay, blurEvery, blurSigma, jitter, weight, alphaNorm, alphaExponent, clampLow,
                clampHigh);
    }

    /** This with an alpha-norm penalty {@code weight * sum |x|^alpha} (bounded values). */
    public Regularization withAlphaNorm(double weight, double alpha) {
        return new Regularization(l2Decay, blurEvery, blurSigma, jitter, totalVariation, weight, alpha, clampLow,
                clampHigh);
    }

    /** Keeps values within [low, high], e.g. the normalised range of valid pixels. */
    public Regularization withClamp(double low, double high) {
        return new Regularization(l2Decay, blurEvery, blurSigma, jitter, totalVariation, alphaNorm, alphaExponent, low,
                high);
    }

    /**
     * Adds the penalties' gradients to {@code lossGradient}, for one image {@code x} laid out as planes of
     * {@code height x width}.
     */
    void addGradient(float[] x, float[] lossGradient, int height, int width) {
        for (int i = 0; i < x.length; i++) {
            double g = l2Decay * x[i];
            if (alphaNorm > 0 && x[i] != 0) {
                g += alphaNorm * alphaExponent * Math.pow(Math.abs(x[i]), alphaExponent - 1) * Math.signum(x[i]);
            }
            lossGradient[i] += (float) g;
        }
        if (totalVariation > 0) {
            int plane = height * width;
            for (int p = 0; p < x.length; p += plane) {
                for (int y = 0; y < height; y++) {
                    for (int xx = 0; xx < width; xx++) {
                        int e = p + y * width + xx;
                        if (y + 1 < height) {
                            double d = x[e + width] - x[e];
                            lossGradient[e] -= (float) (2 * totalVariation * d);
                            lossGradient[e + width] += (float) (2 * totalVariation * d);
                        }
                        if (xx + 1 < width) {
                            double d = x[e + 1] - x[e];
                            lossGradient[e] -= (float) (2 * totalVariation * d);
                            lossGradient[e + 1] += (float) (2 * totalVariation * d);
                        }
                    }
                }
            }
        }
    }

    /** Clamps values in place. */
    void clamp(float[] x) {
        if (clampLow == Double.NEGATIVE_INFINITY && clampHigh == Double.POSITIVE_INFINITY) {
            return;
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.max(clampLow, Math.min(clampHigh, x[i]));
        }
    }
}
