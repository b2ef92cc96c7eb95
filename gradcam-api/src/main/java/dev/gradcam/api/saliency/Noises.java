package dev.gradcam.api.saliency;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.Random;

/**
 * The built-in {@link Noise}s. Every family of strategies has its factories on a companion class named in the
 * plural ({@code Targets}, {@code CamMethods}, {@code FeatureMapSelectors}, ...); the interface stays a
 * single-method type users implement with a lambda.
 */
public final class Noises {

    private Noises() {
    }

    /**
     * Gaussian noise with standard deviation {@code level * (max(x) - min(x))} per image, the SmoothGrad paper's
     * "noise level" (Smilkov et al. 2017 suggest 0.1 to 0.2), drawn from a generator seeded by {@code seed}, the
     * image index and the sample index.
     *
     * @throws InvalidArgumentException if the level is negative or not finite
     */
    public static Noise gaussian(double level, long seed) {
        if (!(level >= 0) || !Double.isFinite(level)) {
            throw new InvalidArgumentException("noise level must be a finite fraction >= 0, got " + level);
        }
        return (input, image, sample) -> gaussian(input, level * (input.max() - (double) input.min()), seed, image,
                sample);
    }

    /**
     * Gaussian noise with a fixed standard deviation {@code sigma}, seeded as {@link #gaussian(double, long)}.
     *
     * @throws InvalidArgumentException if sigma is negative or not finite
     */
    public static Noise gaussianSigma(double sigma, long seed) {
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new InvalidArgumentException("sigma must be a finite number >= 0, got " + sigma);
        }
        return (input, image, sample) -> gaussian(input, sigma, seed, image, sample);
    }

    private static FloatTensor gaussian(FloatTensor input, double sigma, long seed, int image, int sample) {
        // One generator per (image, sample), mixed from the seed, so that chunking the samples changes nothing.
        Random r = new Random(seed * 0x9E3779B97F4A7C15L + image * 0xBF58476D1CE4E5B9L + sample * 0x94D049BB133111EBL);
        float[] d = new float[input.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (sigma * r.nextGaussian());
        }
        return FloatTensor.wrapOwned(input.shape(), d);
    }
}
