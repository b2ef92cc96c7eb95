package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;

/**
 * Infidelity and max-sensitivity (Yeh et al. 2019) with Captum's definitions, for pixel-space attributions (the
 * input's shape). Per image, lower is better. Immutable and thread-safe when the model is.
 */
public final class Robustness {

    /** Perturbations per image unless told otherwise (Captum's default). */
    public static final int DEFAULT_SAMPLES = 10;

    private final Scoring scoring;
    private final int samples;

    private Robustness(Scoring scoring, int samples) {
        this.scoring = InvalidArgumentException.requireNonNull(scoring, "scoring");
        if (samples < 1) {
            throw new InvalidArgumentException("samples must be at least 1, got " + samples);
        }
        this.samples = samples;
    }

    public static Robustness of(Scoring scoring) {
        return new Robustness(scoring, DEFAULT_SAMPLES);
    }

    public Robustness withSamples(int count) {
        return new Robustness(scoring, count);
    }

    /**
     * Infidelity, Captum's {@code infidelity} with {@code normalize=False}: the mean over perturbations I of
     * (sum(attribution * I) - (f(x) - f(x - I)))^2, where f is the target score. Costs N * samples inferences,
     * batched.
     */
    public double[] infidelity(FloatTensor images, FloatTensor attributions, List<Target> targets,
                               Perturbation perturbation) {
        Batches.checkAttributions(images, attributions);
        Scoring.CleanScores clean = scoring.clean(images, targets);
        int n = images.shape().intDim(0);
        double[] dots = new double[n * samples];
        double[] f = scoring.scores(n * samples, k -> {
            int i = k / samples;
            FloatTensor x = images.slice(i);
            FloatTensor noise = perturbation.draw(i, k % samples, x.shape());
            FloatTensor a = attributions.slice(i);
            float[] px = x.toArray();
            double dot = 0;
            for (int p = 0; p < px.length; p++) {
                float d = noise.getFlat(p);
                dot += (double) a.getFlat(p) * d;
                px[p] -= d;
            }
            dots[k] = dot;
            return FloatTensor.wrapOwned(x.shape(), px);
        }, k -> clean.target(k / samples), "infidelity perturbations");
        double[] out = new double[n];
        for (int k = 0; k < n * samples; k++) {
            int i = k / samples;
            double e = dots[k] - (clean.score(i) - f[k]);
            out[i] += e * e / samples;
        }
        return out;
    }

    /**
     * Max-sensitivity, Captum's {@code sensitivity_max}: the largest ||e(x + d) - e(x)|| / ||e(x)|| (Frobenius
     * norms; not divided when ||e(x)|| is 0) over perturbations d, where e recomputes the explanation for the same
     * target. {@code explanations} are e(x). Costs N * samples explanations, in batches of the scoring batch size.
     */
    public double[] maxSensitivity(FloatTensor images, FloatTensor explanations, List<Target> targets,
                                   MapFunction method, Perturbation perturbation) {
        Batches.checkTargets(images, targets);
        List<Target> pinned = scoring.clean(images, targets).targets();
        int n = images.shape().intDim(0);
        double[] out = new double[n];
        int total = n * samples;
        for (int from = 0; from < total; from += scoring.batchSize()) {
            int to = Math.min(total, from + scoring.batchSize());
            List<FloatTensor> xs = new ArrayList<>(to - from);
            List<Target> ts = new ArrayList<>(to - from);
            for (int k = from; k < to; k++) {
                int i = k / samples;
                FloatTensor x = images.slice(i);
                FloatTensor d = perturbation.draw(i, k % samples, x.shape());
                float[] px = x.toArray();
                for (int p = 0; p < px.length; p++) {
                    px[p] += d.getFlat(p);
                }
                xs.add(FloatTensor.wrapOwned(x.shape(), px));
                ts.add(pinned.get(i));
            }
            FloatTensor again = method.maps(FloatTensor.stack(xs), ts);
            for (int k = from; k < to; k++) {
                int i = k / samples;
                FloatTensor e = explanations.slice(i);
                FloatTensor e2 = again.slice(k - from);
                double diff = 0;
                for (int p = 0; p < e.size(); p++) {
                    double d = e2.getFlat(p) - e.getFlat(p);
                    diff += d * d;
                }
                double norm = e.norm();
                double s = norm > 0 ? Math.sqrt(diff) / norm : Math.sqrt(diff);
                out[i] = Math.max(out[i], s);
            }
        }
        return out;
    }
}
