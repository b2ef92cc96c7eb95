package dev.gradcam.metrics;

import java.util.ArrayList;
import java.util.List;

/**
 * Deletion or insertion curves for a batch: per image, the target score after each step, and the normalised area
 * under it. Immutable.
 */
public final class Curves {

    private final String name;
    private final double[] fractions;
    private final List<double[]> scores;

    Curves(String name, double[] fractions, List<double[]> scores) {
        this.name = name;
        this.fractions = fractions.clone();
        List<double[]> copy = new ArrayList<>(scores.size());
        scores.forEach(s -> copy.add(s.clone()));
        this.scores = List.copyOf(copy);
    }

    /** {@code deletion} or {@code insertion}. */
    public String name() {
        return name;
    }

    /** The fraction of pixels removed (deletion) or inserted (insertion) at each point, from 0 to 1. */
    public double[] fractions() {
        return fractions.clone();
    }

    /** Number of images. */
    public int count() {
        return scores.size();
    }

    /** Image {@code i}'s scores, one per point of {@link #fractions()}. */
    public double[] scores(int i) {
        return scores.get(i).clone();
    }

    /**
     * Image {@code i}'s area under the curve by the trapezoidal rule over fractions in [0, 1] (RISE's {@code auc}):
     * low is good for deletion, high for insertion.
     */
    public double area(int i) {
        double[] s = scores.get(i);
        double a = 0;
        for (int k = 1; k < s.length; k++) {
            a += (fractions[k] - fractions[k - 1]) * (s[k] + s[k - 1]) / 2;
        }
        return a;
    }

    /** Every image's area. */
    public double[] areas() {
        double[] a = new double[count()];
        for (int i = 0; i < a.length; i++) {
            a[i] = area(i);
        }
        return a;
    }
}
