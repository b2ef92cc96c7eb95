package dev.gradcam.metrics;

import dev.gradcam.api.tensor.FloatTensor;
import java.util.Arrays;

/**
 * How concentrated a map or attribution is, computed on absolute values, per example (the first axis). Stateless.
 * Definitions as in Quantus: sparseness is the Gini index of Chalasani et al. 2020 (1 = all mass on one element,
 * higher is sparser), complexity the Shannon entropy (natural log) of the fractional contributions
 * |a_i| / sum |a| of Bhatt et al. 2020 (lower is simpler).
 */
public final class MapComplexity {

    /** Quantus adds this to every |a_i| before the Gini index so that an all-zero map is defined. */
    static final double GINI_OFFSET = 1e-7;

    private MapComplexity() {
    }

    /** Gini index of |a| per example. */
    public static double[] sparseness(FloatTensor maps) {
        int n = maps.shape().intDim(0);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            FloatTensor m = maps.slice(i);
            double[] a = new double[m.size()];
            for (int p = 0; p < a.length; p++) {
                a[p] = Math.abs(m.getFlat(p)) + GINI_OFFSET;
            }
            Arrays.sort(a);
            double num = 0;
            double sum = 0;
            for (int k = 0; k < a.length; k++) {
                num += (2.0 * (k + 1) - a.length - 1) * a[k];
                sum += a[k];
            }
            out[i] = num / (a.length * sum);
        }
        return out;
    }

    /** Entropy of |a| / sum |a| per example; 0 for an all-zero map (no contribution anywhere). */
    public static double[] entropy(FloatTensor maps) {
        int n = maps.shape().intDim(0);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            FloatTensor m = maps.slice(i);
            double total = 0;
            for (int p = 0; p < m.size(); p++) {
                total += Math.abs(m.getFlat(p));
            }
            double h = 0;
            if (total > 0) {
                for (int p = 0; p < m.size(); p++) {
                    double q = Math.abs(m.getFlat(p)) / total;
                    if (q > 0) {
                        h -= q * Math.log(q);
                    }
                }
            }
            out[i] = h;
        }
        return out;
    }
}
