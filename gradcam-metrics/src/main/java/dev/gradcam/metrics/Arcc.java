package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;

/**
 * ARCC with pytorch-grad-cam's semantics: complexity (the map's mean absolute value, lower is better), coherency
 * (the Pearson correlation, mapped to [0, 1] by (r + 1) / 2, between the map and the map recomputed on the image
 * multiplied by it) and ROAD-combined at 20/40/60/80 (scaled by 2 and clipped to [0, 1]), combined as
 * pytorch-grad-cam does: 3 / (1 / coherency + 1 / (1 - complexity) + 1 / road), each term with 1e-8 added (a
 * harmonic mean, which pytorch-grad-cam's docstring calls geometric). Higher is better.
 */
public final class Arcc {

    /** ARCC's ROAD percentiles. */
    public static final List<Double> ROAD_PERCENTILES = List.of(20.0, 40.0, 60.0, 80.0);

    private static final double EPS = 1e-8;

    private final Scoring scoring;
    private final Road road;
    private final MapFunction method;

    private Arcc(Scoring scoring, Road road, MapFunction method) {
        this.scoring = InvalidArgumentException.requireNonNull(scoring, "scoring");
        this.road = InvalidArgumentException.requireNonNull(road, "road");
        this.method = InvalidArgumentException.requireNonNull(method, "method");
    }

    /**
     * ARCC of maps made by {@code method} (which coherency re-runs on the masked images), ROAD with
     * {@code imputer}.
     */
    public static Arcc of(Scoring scoring, NoisyLinearImputer imputer, MapFunction method) {
        return new Arcc(scoring, Road.of(scoring, imputer), method);
    }

    /** Mean |map| over pixels, per image (pytorch-grad-cam's {@code Complexity}). */
    public static double[] complexity(FloatTensor maps) {
        int n = maps.shape().intDim(0);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            FloatTensor m = maps.slice(i);
            double sum = 0;
            for (int p = 0; p < m.size(); p++) {
                sum += Math.abs(m.getFlat(p));
            }
            out[i] = sum / m.size();
        }
        return out;
    }

    /** (Pearson(map of image x map, map) + 1) / 2, per image (pytorch-grad-cam's {@code Coherency}). */
    public double[] coherency(FloatTensor images, FloatTensor maps, List<Target> targets) {
        Batches.checkImagesAndMaps(images, maps);
        List<Target> pinned = scoring.clean(images, targets).targets();
        int n = images.shape().intDim(0);
        FloatTensor[] masked = new FloatTensor[n];
        for (int i = 0; i < n; i++) {
            masked[i] = ConfidenceChange.multiply(images.slice(i), maps.slice(i));
        }
        FloatTensor again = method.maps(FloatTensor.stack(List.of(masked)), pinned);
        if (!again.shape().equals(maps.shape())) {
            throw new dev.gradcam.api.InvalidInputException("the method recomputed maps of shape " + again.shape()
                    + ", expected " + maps.shape());
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = (pearson(again.slice(i), maps.slice(i)) + 1) / 2;
        }
        return out;
    }

    /** ROAD-combined at {@link #ROAD_PERCENTILES}, per image. */
    public double[] road(FloatTensor images, FloatTensor maps, List<Target> targets) {
        return road.combined(images, maps, targets, ROAD_PERCENTILES);
    }

    /** ARCC, per image. */
    public double[] arcc(FloatTensor images, FloatTensor maps, List<Target> targets) {
        return combine(complexity(maps), coherency(images, maps, targets), road(images, maps, targets));
    }

    /** pytorch-grad-cam's combination of the three parts (ROAD-combined before scaling). */
    public static double[] combine(double[] complexity, double[] coherency, double[] roadCombined) {
        double[] out = new double[complexity.length];
        for (int i = 0; i < out.length; i++) {
            double r = Math.min(1, Math.max(0, roadCombined[i] * 2));
            out[i] = 3 / (1 / (coherency[i] + EPS) + 1 / (1 - complexity[i] + EPS) + 1 / (r + EPS));
        }
        return out;
    }

    /** Pearson's r with sample (n - 1) moments and 1e-8 added to the product of deviations, as pytorch-grad-cam. */
    static double pearson(FloatTensor a, FloatTensor b) {
        int n = a.size();
        double ma = a.sum() / n;
        double mb = b.sum() / n;
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int p = 0; p < n; p++) {
            double da = a.getFlat(p) - ma;
            double db = b.getFlat(p) - mb;
            cov += da * db;
            va += da * da;
            vb += db * db;
        }
        return (cov / (n - 1)) / (Math.sqrt(va / (n - 1)) * Math.sqrt(vb / (n - 1)) + EPS);
    }
}
