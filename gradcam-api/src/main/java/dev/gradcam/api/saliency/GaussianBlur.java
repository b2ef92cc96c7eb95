package dev.gradcam.api.saliency;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

/**
 * Gaussian blur of the last two axes of a tensor ({@code [H, W]}, {@code [C, H, W]}, {@code [N, C, H, W]} ...),
 * separable, with a kernel of radius {@code ceil(3 sigma)} and mirrored borders without repeating the edge (OpenCV's
 * {@code BORDER_REFLECT_101}, PyTorch's {@code reflect} padding). Used for blurred baselines and for regularising
 * visualisations. Stateless.
 */
public final class GaussianBlur {

    private GaussianBlur() {
    }

    /**
     * Blurs the last two axes with standard deviation {@code sigma} pixels; sigma 0 returns an equal tensor.
     *
     * @throws InvalidArgumentException if sigma is negative or not finite
     * @throws InvalidInputException    if the tensor has fewer than two axes
     */
    public static FloatTensor blur(FloatTensor t, double sigma) {
        InvalidArgumentException.requireNonNull(t, "t");
        if (!(sigma >= 0) || !Double.isFinite(sigma)) {
            throw new InvalidArgumentException("sigma must be a finite number >= 0, got " + sigma);
        }
        Shape s = t.shape();
        if (s.rank() < 2) {
            throw new InvalidInputException("blurring needs at least [H, W], got " + s);
        }
        if (sigma == 0) {
            return t;
        }
        int h = s.intDim(-2);
        int w = s.intDim(-1);
        double[] kernel = kernel(sigma);
        float[] d = t.toArray();
        float[] tmp = new float[h * w];
        for (int plane = 0; plane < d.length; plane += h * w) {
            // Rows, then columns, accumulating in double.
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double acc = 0;
                    for (int j = 0; j < kernel.length; j++) {
                        acc += kernel[j] * d[plane + y * w + reflect(x + j - kernel.length / 2, w)];
                    }
                    tmp[y * w + x] = (float) acc;
                }
            }
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    double acc = 0;
                    for (int j = 0; j < kernel.length; j++) {
                        acc += kernel[j] * tmp[reflect(y + j - kernel.length / 2, h) * w + x];
                    }
                    d[plane + y * w + x] = (float) acc;
                }
            }
        }
        return FloatTensor.wrapOwned(s, d);
    }

    /** The normalised 1-D kernel, {@code 2 ceil(3 sigma) + 1} taps. */
    static double[] kernel(double sigma) {
        int radius = (int) Math.ceil(3 * sigma);
        double[] k = new double[2 * radius + 1];
        double sum = 0;
        for (int i = -radius; i <= radius; i++) {
            k[i + radius] = Math.exp(-(i * (double) i) / (2 * sigma * sigma));
            sum += k[i + radius];
        }
        for (int i = 0; i < k.length; i++) {
            k[i] /= sum;
        }
        return k;
    }

    /** Mirrors an index into [0, n) without repeating the edge; folds repeatedly for kernels wider than the image. */
    static int reflect(int i, int n) {
        if (n == 1) {
            return 0;
        }
        int period = 2 * (n - 1);
        int r = Math.floorMod(i, period);
        return r < n ? r : period - r;
    }
}
