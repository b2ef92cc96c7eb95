package dev.gradcam.api.numeric;

import dev.gradcam.api.InvalidArgumentException;
import java.util.Arrays;

/**
 * Percentiles as NumPy's {@code percentile} computes them by default ("linear"): the {@code q}-th percentile of
 * {@code n} sorted values lies at position {@code q / 100 * (n - 1)}, interpolated linearly between the two order
 * statistics around it, in double precision. The one implementation behind the saliency pictures' 99th-percentile
 * clip, percentile normalisation and ROAD's thresholds. Stateless.
 */
public final class Percentiles {

    private Percentiles() {
    }

    /**
     * The {@code q}-th percentile (0..100) of {@code values}, which are copied and sorted.
     *
     * @throws InvalidArgumentException if {@code q} is outside [0, 100] or there are no values
     */
    public static double of(float[] values, double q) {
        InvalidArgumentException.requireNonNull(values, "values");
        float[] sorted = values.clone();
        Arrays.sort(sorted);
        return ofSorted(sorted, q);
    }

    /**
     * The {@code q}-th percentile (0..100) of values already sorted ascending.
     *
     * @throws InvalidArgumentException if {@code q} is outside [0, 100] or there are no values
     */
    public static double ofSorted(float[] sorted, double q) {
        InvalidArgumentException.requireNonNull(sorted, "sorted");
        double pos = position(sorted.length, q);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * ((double) sorted[hi] - sorted[lo]);
    }

    /**
     * The {@code q}-th percentile (0..100) of values already sorted ascending.
     *
     * @throws InvalidArgumentException if {@code q} is outside [0, 100] or there are no values
     */
    public static double ofSorted(double[] sorted, double q) {
        InvalidArgumentException.requireNonNull(sorted, "sorted");
        double pos = position(sorted.length, q);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    private static double position(int n, double q) {
        if (!(q >= 0 && q <= 100)) {
            throw new InvalidArgumentException("a percentile must be in [0, 100], got " + q);
        }
        if (n == 0) {
            throw new InvalidArgumentException("the percentile of no values is undefined; give at least one value");
        }
        return q / 100.0 * (n - 1);
    }
}
