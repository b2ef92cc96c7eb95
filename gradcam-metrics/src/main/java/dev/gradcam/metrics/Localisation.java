package dev.gradcam.metrics;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;

/**
 * Whether maps point at the object: maps [N, H, W] against object masks [N, H, W] (non-zero inside the object;
 * make one from a box with {@link #boxMask}). Per image, higher is better. Stateless.
 */
public final class Localisation {

    private Localisation() {
    }

    /** A mask [H, W] that is 1 on rows {@code top..bottom} and columns {@code left..right} (inclusive). */
    public static FloatTensor boxMask(int height, int width, int top, int left, int bottom, int right) {
        float[] m = new float[height * width];
        for (int y = Math.max(0, top); y <= Math.min(height - 1, bottom); y++) {
            for (int x = Math.max(0, left); x <= Math.min(width - 1, right); x++) {
                m[y * width + x] = 1;
            }
        }
        return FloatTensor.wrapOwned(dev.gradcam.api.tensor.Shape.of(height, width), m);
    }

    /**
     * The pointing game (Zhang et al. 2016): 1 when the map's maximum (the first in row-major order) lies within
     * {@code tolerance} pixels (Euclidean) of the object, else 0. A map without a positive value is a miss. Zhang et
     * al. use a tolerance of 15 pixels at 224 x 224; 0 asks for the peak inside the mask.
     */
    public static double[] pointingGame(FloatTensor maps, FloatTensor masks, double tolerance) {
        check(maps, masks);
        int n = maps.shape().intDim(0);
        int h = maps.shape().intDim(1);
        int w = maps.shape().intDim(2);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            FloatTensor m = maps.slice(i);
            if (!(m.max() > 0)) {
                continue;
            }
            int peak = m.argMax();
            int py = peak / w;
            int px = peak % w;
            FloatTensor mask = masks.slice(i);
            int r = (int) Math.ceil(tolerance);
            for (int y = Math.max(0, py - r); y <= Math.min(h - 1, py + r) && out[i] == 0; y++) {
                for (int x = Math.max(0, px - r); x <= Math.min(w - 1, px + r); x++) {
                    double d2 = (y - py) * (y - py) + (x - px) * (x - px);
                    if (d2 <= tolerance * tolerance && mask.getFlat(y * w + x) != 0) {
                        out[i] = 1;
                        break;
                    }
                }
            }
        }
        return out;
    }

    /**
     * The energy-based pointing game (Wang et al. 2020, Score-CAM): the share of the map's positive energy that
     * lies inside the object, sum(max(map, 0) in mask) / sum(max(map, 0)); 0 for a map without positive values.
     */
    public static double[] energyPointingGame(FloatTensor maps, FloatTensor masks) {
        return shareInside(maps, masks, true);
    }

    /**
     * Relevance mass accuracy (Arras et al. 2022): relevance inside the object over all relevance, on the signed
     * values as given; 0 when the total is 0.
     */
    public static double[] relevanceMass(FloatTensor maps, FloatTensor masks) {
        return shareInside(maps, masks, false);
    }

    /** Per image, the map's sum inside the mask over its total (of max(map, 0) with {@code positivePart}); 0 for 0. */
    private static double[] shareInside(FloatTensor maps, FloatTensor masks, boolean positivePart) {
        check(maps, masks);
        int n = maps.shape().intDim(0);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            FloatTensor m = maps.slice(i);
            FloatTensor mask = masks.slice(i);
            double inside = 0;
            double total = 0;
            for (int p = 0; p < m.size(); p++) {
                double v = positivePart ? Math.max(0, m.getFlat(p)) : m.getFlat(p);
                total += v;
                if (mask.getFlat(p) != 0) {
                    inside += v;
                }
            }
            out[i] = total != 0 ? inside / total : 0;
        }
        return out;
    }

    /**
     * Relevance rank accuracy (Arras et al. 2022): with K the object's pixel count, the fraction of the K highest
     * ranked pixels (ties by row-major index) that lie inside the object; 0 for an empty mask.
     */
    public static double[] relevanceRank(FloatTensor maps, FloatTensor masks) {
        check(maps, masks);
        int n = maps.shape().intDim(0);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            FloatTensor mask = masks.slice(i);
            int k = 0;
            for (int p = 0; p < mask.size(); p++) {
                k += mask.getFlat(p) != 0 ? 1 : 0;
            }
            if (k == 0) {
                continue;
            }
            int[] order = DeletionInsertion.ranking(maps.slice(i));
            int hits = 0;
            for (int j = 0; j < k; j++) {
                hits += mask.getFlat(order[j]) != 0 ? 1 : 0;
            }
            out[i] = hits / (double) k;
        }
        return out;
    }

    private static void check(FloatTensor maps, FloatTensor masks) {
        if (maps.shape().rank() != 3 || !maps.shape().equals(masks.shape())) {
            throw new InvalidInputException("maps and masks must both be [N, H, W] of the same shape, got maps "
                    + maps.shape() + " and masks " + masks.shape());
        }
    }
}
