package dev.gradcam.api.visualize;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.Size;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Random;

/**
 * Where an optimisation from noise starts: uniform noise in [low, high) and, for models whose input leaves the
 * image size open, the size to draw it at (null takes the model's). Shared by the builders of the visualisations
 * that start from noise, so their range and size checks agree. Immutable.
 */
record NoiseStart(double low, double high, Size imageSize) {

    /** Noise in [low, high) at the model's own image size. */
    static NoiseStart uniform(double low, double high) {
        return new NoiseStart(0, 1, null).withRange(low, high); // checked like a user's range
    }

    /**
     * The same start with another noise range.
     *
     * @throws InvalidArgumentException unless {@code low < high}
     */
    NoiseStart withRange(double low, double high) {
        if (!(low < high)) {
            throw new InvalidArgumentException("start noise needs low < high, got " + low + ", " + high);
        }
        return new NoiseStart(low, high, imageSize);
    }

    /** The same start at another image size. */
    NoiseStart withImageSize(Size size) {
        return new NoiseStart(low, high, size);
    }

    /**
     * The shape of {@code n} start images for {@code model}.
     *
     * @throws dev.gradcam.api.InvalidInputException if the size is open or does not fit the model
     */
    Shape shape(DifferentiableModel model, int n) {
        return Support.inputShape(model, n, imageSize);
    }

    /** {@code n} start images for {@code model}, drawn from {@code seed}. */
    FloatTensor images(DifferentiableModel model, int n, long seed) {
        return images(shape(model, n), seed);
    }

    /** Start images of shape {@code s}, drawn from {@code seed}. */
    FloatTensor images(Shape s, long seed) {
        Random r = new Random(seed);
        float[] d = new float[s.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (low + (high - low) * r.nextDouble());
        }
        return FloatTensor.wrapOwned(s, d);
    }
}
