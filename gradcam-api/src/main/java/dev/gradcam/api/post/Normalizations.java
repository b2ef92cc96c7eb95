package dev.gradcam.api.post;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.numeric.Percentiles;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Arrays;

/**
 * The built-in {@link Normalization}s. Every family of strategies has its factories on a companion class named in the
 * plural ({@code Targets}, {@code CamMethods}, {@code FeatureMapSelectors}, ...); the interface stays a
 * single-method type users implement with a lambda.
 */
public final class Normalizations {

    private Normalizations() {
    }

    /** Leaves values as they are (raw). */
    public static Normalization none() {
        return maps -> maps;
    }

    /**
     * Each image separately to [0, 1] by {@code (x - min) / (max - min + 1e-7)}, as pytorch-grad-cam's
     * {@code scale_cam_image}. A constant map becomes all zeros.
     */
    public static Normalization perImageMinMax() {
        return maps -> {
            int n = maps.shape().intDim(0);
            float[] out = maps.toArray();
            int per = perImage(maps.shape());
            for (int i = 0; i < n; i++) {
                minMax(out, i * per, per, min(out, i * per, per), max(out, i * per, per));
            }
            return FloatTensor.wrapOwned(maps.shape(), out);
        };
    }

    /** The whole batch to [0, 1] with one min and max, so images stay comparable. */
    public static Normalization perBatchMinMax() {
        return maps -> {
            float[] out = maps.toArray();
            minMax(out, 0, out.length, min(out, 0, out.length), max(out, 0, out.length));
            return FloatTensor.wrapOwned(maps.shape(), out);
        };
    }

    /**
     * Per image, clips to the {@code low}..{@code high} percentiles (linear interpolation between order statistics,
     * as numpy.percentile's default) and scales that range to [0, 1]: robust to a few extreme pixels.
     *
     * @throws InvalidArgumentException unless {@code 0 <= low < high <= 100}
     */
    public static Normalization percentile(double low, double high) {
        if (!(low >= 0 && low < high && high <= 100)) {
            throw new InvalidArgumentException("percentiles need 0 <= low < high <= 100, got " + low + ", " + high);
        }
        return maps -> {
            int n = maps.shape().intDim(0);
            float[] out = maps.toArray();
            int per = perImage(maps.shape());
            for (int i = 0; i < n; i++) {
                float[] sorted = Arrays.copyOfRange(out, i * per, (i + 1) * per);
                Arrays.sort(sorted);
                float lo = (float) Percentiles.ofSorted(sorted, low);
                float hi = (float) Percentiles.ofSorted(sorted, high);
                for (int j = i * per; j < (i + 1) * per; j++) {
                    out[j] = Math.min(Math.max(out[j], lo), hi);
                }
                minMax(out, i * per, per, lo, hi);
            }
            return FloatTensor.wrapOwned(maps.shape(), out);
        };
    }

    /** Per image, divides by the largest magnitude: signed maps land in [-1, 1] with zero kept at zero. */
    public static Normalization perImageMaxAbs() {
        return maps -> {
            int n = maps.shape().intDim(0);
            float[] out = maps.toArray();
            int per = perImage(maps.shape());
            for (int i = 0; i < n; i++) {
                float m = 0;
                for (int j = i * per; j < (i + 1) * per; j++) {
                    m = Math.max(m, Math.abs(out[j]));
                }
                for (int j = i * per; j < (i + 1) * per; j++) {
                    out[j] = out[j] / (m + Normalization.EPSILON);
                }
            }
            return FloatTensor.wrapOwned(maps.shape(), out);
        };
    }

    private static float min(float[] a, int from, int len) {
        float m = Float.POSITIVE_INFINITY;
        for (int i = from; i < from + len; i++) {
            m = Math.min(m, a[i]);
        }
        return m;
    }

    private static float max(float[] a, int from, int len) {
        float m = Float.NEGATIVE_INFINITY;
        for (int i = from; i < from + len; i++) {
            m = Math.max(m, a[i]);
        }
        return m;
    }

    private static void minMax(float[] a, int from, int len, float min, float max) {
        for (int i = from; i < from + len; i++) {
            a[i] = (a[i] - min) / (max - min + Normalization.EPSILON);
        }
    }

    /** Shape helper for implementations: the per-image element count of a batch. */
    public static int perImage(Shape batch) {
        InvalidArgumentException.requireNonNull(batch, "batch");
        return batch.size() / Math.max(batch.intDim(0), 1);
    }
}
