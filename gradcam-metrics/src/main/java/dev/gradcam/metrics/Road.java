package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.numeric.Percentiles;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;

/**
 * ROAD, RemOve And Debias (Rong et al. 2022), with pytorch-grad-cam's semantics: pixels are removed by
 * {@linkplain NoisyLinearImputer noisy linear imputation}, and the score is the target score of the imputed image
 * minus that of the clean image.
 *
 * <p>At percentile P, most-relevant-first keeps the pixels whose map value is below the map's P-th percentile and
 * imputes the rest (P = 80 removes the top 20 %); least-relevant-first does the same on 1 - map (P = 20 removes
 * the 80 % least relevant). A faithful map makes MoRF drop the score a lot and LeRF little; ROAD-combined is
 * (mean LeRF - mean MoRF) / 2 over the percentiles, higher is better. All imputed images of one call are scored
 * in batches of {@link Scoring#batchSize()}. Immutable and thread-safe when the model is.
 */
public final class Road {

    /** pytorch-grad-cam's percentiles for the averages and ROAD-combined: 10, 20, ..., 90. */
    public static final List<Double> DEFAULT_PERCENTILES = List.of(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0,
            90.0);

    /** Which pixels go first. */
    public enum Order {
        MOST_RELEVANT_FIRST, LEAST_RELEVANT_FIRST
    }

    private final Scoring scoring;
    private final NoisyLinearImputer imputer;

    private Road(Scoring scoring, NoisyLinearImputer imputer) {
        this.scoring = InvalidArgumentException.requireNonNull(scoring, "scoring");
        this.imputer = InvalidArgumentException.requireNonNull(imputer, "imputer");
    }

    /** ROAD with the default imputer (noise 0.01, seed 0). */
    public static Road of(Scoring scoring) {
        return new Road(scoring, NoisyLinearImputer.defaults());
    }

    /** ROAD with {@code imputer} (e.g. {@code NoisyLinearImputer.of(0, 0)} for a deterministic result). */
    public static Road of(Scoring scoring, NoisyLinearImputer imputer) {
        return new Road(scoring, imputer);
    }

    /** Score change per image after removing the most relevant pixels at {@code percentile}. */
    public double[] mostRelevantFirst(FloatTensor images, FloatTensor maps, List<Target> targets, double percentile) {
        return run(images, maps, targets, List.of(percentile), Order.MOST_RELEVANT_FIRST)[0];
    }

    /** Score change per image after removing the least relevant pixels at {@code percentile}. */
    public double[] leastRelevantFirst(FloatTensor images, FloatTensor maps, List<Target> targets, double percentile) {
        return run(images, maps, targets, List.of(percentile), Order.LEAST_RELEVANT_FIRST)[0];
    }

    /** {@link #mostRelevantFirst} averaged over {@code percentiles}. */
    public double[] mostRelevantFirstAverage(FloatTensor images, FloatTensor maps, List<Target> targets,
                                             List<Double> percentiles) {
        return mean(run(images, maps, targets, percentiles, Order.MOST_RELEVANT_FIRST));
    }

    /** {@link #leastRelevantFirst} averaged over {@code percentiles}. */
    public double[] leastRelevantFirstAverage(FloatTensor images, FloatTensor maps, List<Target> targets,
                                              List<Double> percentiles) {
        return mean(run(images, maps, targets, percentiles, Order.LEAST_RELEVANT_FIRST));
    }

    /** (mean LeRF - mean MoRF) / 2 over {@code percentiles}, per image; one batched run for both orders. */
    public double[] combined(FloatTensor images, FloatTensor maps, List<Target> targets, List<Double> percentiles) {
        double[][] both = run(images, maps, targets, percentiles, null);
        int p = percentiles.size();
        double[][] morf = java.util.Arrays.copyOfRange(both, 0, p);
        double[][] lerf = java.util.Arrays.copyOfRange(both, p, 2 * p);
        double[] m = mean(morf);
        double[] l = mean(lerf);
        double[] out = new double[m.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (l[i] - m[i]) / 2;
        }
        return out;
    }

    /**
     * The imputed copy of {@code image} ([C, H, W]) that ROAD scores for {@code map} ([H, W]) at {@code percentile},
     * e.g. to show what the model saw. {@code stream} as in {@link NoisyLinearImputer#impute}.
     */
    public FloatTensor perturbed(FloatTensor image, FloatTensor map, double percentile, Order order, long stream) {
        return imputer.impute(image, keep(map, percentile, order), stream);
    }

    /** Which pixels stay: map (or 1 - map for LeRF) strictly below its percentile. */
    static boolean[] keep(FloatTensor map, double percentile, Order order) {
        float[] m = map.toArray();
        if (order == Order.LEAST_RELEVANT_FIRST) {
            for (int i = 0; i < m.length; i++) {
                m[i] = 1 - m[i];
            }
        }
        double threshold = Percentiles.of(m, percentile);
        boolean[] keep = new boolean[m.length];
        for (int i = 0; i < m.length; i++) {
            keep[i] = m[i] < threshold;
        }
        return keep;
    }

    /** Score changes [order-major percentile][image]; {@code order} null runs MoRF then LeRF. */
    private double[][] run(FloatTensor images, FloatTensor maps, List<Target> targets, List<Double> percentiles,
                           Order order) {
        return changes(images, maps, targets, percentiles, order == null
                ? List.of(Order.MOST_RELEVANT_FIRST, Order.LEAST_RELEVANT_FIRST) : List.of(order));
    }

    /**
     * Score changes for every order and percentile in one batched run: row {@code o * P + p} holds order
     * {@code orders[o]} at {@code percentiles[p]}, one value per image.
     */
    double[][] changes(FloatTensor images, FloatTensor maps, List<Target> targets, List<Double> percentiles,
                       List<Order> orders) {
        Batches.checkImagesAndMaps(images, maps);
        if (percentiles.isEmpty()) {
            throw new InvalidInputException("ROAD needs at least one percentile");
        }
        Scoring.CleanScores clean = scoring.clean(images, targets);
        int n = images.shape().intDim(0);
        int p = percentiles.size();
        int count = orders.size() * p * n;
        double[] s = scoring.scores(count, k -> {
            int image = k % n;
            int pi = k / n;
            Order o = orders.get(pi / p);
            double q = percentiles.get(pi % p);
            return perturbed(images.slice(image), maps.slice(image), q, o, stream(image, q, o));
        }, k -> clean.target(k % n), "road imputed images");
        double[][] out = new double[orders.size() * p][n];
        for (int k = 0; k < count; k++) {
            out[k / n][k % n] = s[k] - clean.score(k % n);
        }
        return out;
    }

    private static long stream(int image, double percentile, Order order) {
        return (image * 1_000_003L + Double.hashCode(percentile)) * 2 + order.ordinal();
    }

    private static double[] mean(double[][] rows) {
        double[] out = new double[rows[0].length];
        for (double[] r : rows) {
            for (int i = 0; i < out.length; i++) {
                out[i] += r[i] / rows.length;
            }
        }
        return out;
    }
}
