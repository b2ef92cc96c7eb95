package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Random;

/**
 * The random perturbations infidelity and max-sensitivity draw: perturbation {@code sample} of image {@code image},
 * of the image's shape. Deterministic for given arguments, so results do not depend on batching.
 */
@FunctionalInterface
public interface Perturbation {

    FloatTensor draw(int image, int sample, Shape shape);

    /** Gaussian noise of standard deviation {@code sigma} (Captum's infidelity tutorial uses 0.003). */
    static Perturbation gaussian(double sigma, long seed) {
        check(sigma, "sigma");
        return (image, sample, shape) -> {
            Random r = generator(seed, image, sample);
            float[] d = new float[shape.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (sigma * r.nextGaussian());
            }
            return FloatTensor.wrapOwned(shape, d);
        };
    }

    /** Uniform noise in [-radius, radius] (Captum's {@code sensitivity_max} default, radius 0.02). */
    static Perturbation uniform(double radius, long seed) {
        check(radius, "radius");
        return (image, sample, shape) -> {
            Random r = generator(seed, image, sample);
            float[] d = new float[shape.size()];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (radius * (2 * r.nextDouble() - 1));
            }
            return FloatTensor.wrapOwned(shape, d);
        };
    }

    private static Random generator(long seed, int image, int sample) {
        return new Random(seed * 0x9E3779B97F4A7C15L + image * 0xBF58476D1CE4E5B9L + sample * 0x94D049BB133111EBL);
    }

    private static void check(double v, String name) {
        if (!(v >= 0) || !Double.isFinite(v)) {
            throw new InvalidArgumentException(name + " must be a finite number >= 0, got " + v);
        }
    }
}
