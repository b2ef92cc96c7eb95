package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import java.util.Arrays;

/** Percentiles with linear interpolation between order statistics, as numpy's default. Stateless. */
public final class Percentile {

    private Percentile() {
    }

    /** The {@code q}-th percentile (0..100) of {@code values}. */
    public static double of(float[] values, double q) {
        if (!(q >= 0 && q <= 100)) {
            throw new InvalidArgumentException("a percentile must be in [0, 100], got " + q);
        }
        if (values.length == 0) {
            throw new InvalidArgumentException("no values");
        }
        double[] sorted = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            sorted[i] = values[i];
        }
        Arrays.sort(sorted);
        double pos = q / 100 * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }
}
