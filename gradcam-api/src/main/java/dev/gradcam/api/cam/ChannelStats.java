package dev.gradcam.api.cam;

import dev.gradcam.api.InvalidArgumentException;

/**
 * Per-channel statistics of one image at one layer, what a {@link FeatureMapSelector} decides on. Immutable.
 *
 * <p>{@code weight} is the reducer's channel weight (for per-position weights, their spatial mean);
 * {@code meanActivation} and {@code meanGradient} are spatial means; {@code energy} is the spatial mean of the
 * squared activation.
 */
public final class ChannelStats {

    private final int image;
    private final float[] weight;
    private final float[] meanActivation;
    private final float[] meanGradient;
    private final float[] energy;

    /** Arrays are copied; all must have the same length K. */
    public ChannelStats(int image, float[] weight, float[] meanActivation, float[] meanGradient, float[] energy) {
        InvalidArgumentException.requireNonNull(meanActivation, "meanActivation");
        InvalidArgumentException.requireNonNull(meanGradient, "meanGradient");
        InvalidArgumentException.requireNonNull(energy, "energy");
        int k = InvalidArgumentException.requireNonNull(weight, "weight").length;
        if (meanActivation.length != k || meanGradient.length != k || energy.length != k) {
            throw new InvalidArgumentException("all statistics need " + k + " channels");
        }
        this.image = image;
        this.weight = weight.clone();
        this.meanActivation = meanActivation.clone();
        this.meanGradient = meanGradient.clone();
        this.energy = energy.clone();
    }

    /** Index of the image in its batch. */
    public int image() {
        return image;
    }

    /** Number of channels K. */
    public int channels() {
        return weight.length;
    }

    public float weight(int k) {
        return weight[k];
    }

    public float meanActivation(int k) {
        return meanActivation[k];
    }

    public float meanGradient(int k) {
        return meanGradient[k];
    }

    public float energy(int k) {
        return energy[k];
    }

    /** The statistic a ranking orders channels by. */
    public float value(Ranking ranking, int k) {
        InvalidArgumentException.requireNonNull(ranking, "ranking");
        return switch (ranking) {
            case WEIGHT -> weight[k];
            case ABS_WEIGHT -> Math.abs(weight[k]);
            case ENERGY -> energy[k];
            case MEAN_ACTIVATION -> meanActivation[k];
            case MEAN_GRADIENT -> meanGradient[k];
        };
    }

    /** Copies of the weights. */
    public float[] weights() {
        return weight.clone();
    }
}
