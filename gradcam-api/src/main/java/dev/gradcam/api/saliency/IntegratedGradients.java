package dev.gradcam.api.saliency;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Integrated Gradients (Sundararajan et al. 2017): {@code (x - x') * integral over alpha in [0, 1] of
 * grad f(x' + alpha (x - x'))}, the integral taken by a {@link Quadrature} with {@link Builder#steps(int)} gradient
 * evaluations per image. By completeness the attributions sum to {@code f(x) - f(x')}; each result reports how far
 * they are from it ({@link Attribution#completeness(int)}): more steps shrink the error.
 *
 * <p>All images' path points are run together in batches of {@link Builder#batchSize(int)}; the top-class target is
 * fixed to the input's top class, so the path explains one class throughout. Immutable and thread-safe when the
 * model is.
 */
public final class IntegratedGradients implements AttributionMethod {

    /** Gradient evaluations per image by default (Captum's). */
    public static final int DEFAULT_STEPS = 50;

    private static final String NAME = "integrated-gradients";

    private final DifferentiableModel model;
    private final Baseline baseline;
    private final int steps;
    private final Quadrature quadrature;
    private final int batchSize;
    private final String output;

    private IntegratedGradients(Builder b, String output) {
        this.model = b.model;
        this.baseline = b.baseline;
        this.steps = b.steps;
        this.quadrature = b.quadrature;
        this.batchSize = b.batchSize;
        this.output = output;
    }

    /** A builder with a zero baseline, 50 Gauss-Legendre steps and batches of 32 (Captum's defaults). */
    public static Builder builder(DifferentiableModel model) {
        return new Builder(model);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public DifferentiableModel model() {
        return model;
    }

    @Override
    public Attribution attribute(FloatTensor images, List<Target> targets) {
        int n = Passes.batchOf(images);
        List<Target> ts = Passes.checkTargets(targets, n);
        long t0 = System.nanoTime();
        FloatTensor base = baseline.of(images);
        if (!base.shape().equals(images.shape())) {
            throw new InvalidInputException("baseline " + baseline.describe() + " has shape " + base.shape()
                    + " for inputs " + images.shape());
        }
        // One forward pass over inputs and baselines gives f(x), f(x') and the classes that pin the targets.
        FloatTensor ends = model.run(PassRequest.builder(FloatTensor.concat(List.of(images, base))).output(output)
                .build()).output();
        FloatTensor outputs = Passes.rows(ends, 0, n);
        List<Target> pinned = Targets.pinTopClass(ts, outputs);
        double[] scores = Targets.scores(pinned, outputs);
        double[] baseScores = Targets.scores(pinned, Passes.rows(ends, n, 2 * n));

        double[] alphas = quadrature.points(steps);
        double[] weights = quadrature.weights(steps);
        int per = images.size() / n;
        float[] x = images.toArray();
        float[] x0 = base.toArray();
        double[] integral = new double[n * per];
        int rows = n * steps;
        for (int from = 0; from < rows; from += batchSize) {
            int to = Math.min(rows, from + batchSize);
            float[] batch = new float[(to - from) * per];
            List<Target> rowTargets = new ArrayList<>(to - from);
            for (int r = from; r < to; r++) {
                int i = r / steps;
                double a = alphas[r % steps];
                for (int j = 0; j < per; j++) {
                    int e = i * per + j;
                    batch[(r - from) * per + j] = (float) (x0[e] + a * (x[e] - x0[e]));
                }
                rowTargets.add(pinned.get(i));
            }
            FloatTensor points = FloatTensor.wrapOwned(images.shape().withDim(0, to - from), batch);
            PassResult pr = Passes.inputGradient(model, GradientMode.STANDARD, output, points, rowTargets);
            FloatTensor g = Passes.gradientOf(pr, model);
            for (int r = from; r < to; r++) {
                int i = r / steps;
                double wk = weights[r % steps];
                for (int j = 0; j < per; j++) {
                    integral[i * per + j] += wk * g.getFlat((r - from) * per + j);
                }
            }
        }
        float[] attr = new float[n * per];
        List<Completeness> completeness = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int j = 0; j < per; j++) {
                int e = i * per + j;
                double v = (x[e] - (double) x0[e]) * integral[e];
                attr[e] = (float) v;
                sum += v;
            }
            completeness.add(new Completeness(sum, scores[i] - baseScores[i]));
        }
        return new Attribution(NAME, FloatTensor.wrapOwned(images.shape(), attr), scores,
                Passes.classes(pinned, outputs), Passes.describe(ts), completeness, Map.of(),
                Passes.provenance(NAME + "(" + baseline.describe() + ", " + steps + " " + quadrature + ")", output,
                        model, GradientMode.STANDARD),
                Duration.ofNanos(System.nanoTime() - t0));
    }

    /** Builds {@link IntegratedGradients}; validates in {@link #build()}. Not thread-safe. */
    public static final class Builder {
        private final DifferentiableModel model;
        private Baseline baseline = Baselines.zero();
        private int steps = DEFAULT_STEPS;
        private Quadrature quadrature = Quadrature.GAUSS_LEGENDRE;
        private int batchSize = 32;
        private String output;

        private Builder(DifferentiableModel model) {
            this.model = InvalidArgumentException.requireNonNull(model, "model");
        }

        /** The baseline (default zero); see {@link Baselines}. */
        public Builder baseline(Baseline baseline) {
            this.baseline = InvalidArgumentException.requireNonNull(baseline, "baseline");
            return this;
        }

        /** Gradient evaluations per image (default 50). */
        public Builder steps(int steps) {
            this.steps = steps;
            return this;
        }

        /** The quadrature rule (default Gauss-Legendre). */
        public Builder quadrature(Quadrature quadrature) {
            this.quadrature = InvalidArgumentException.requireNonNull(quadrature, "quadrature");
            return this;
        }

        /** Path points per backend pass (default 32). */
        public Builder batchSize(int batchSize) {
            this.batchSize = Passes.checkBatchSize(batchSize);
            return this;
        }

        /** The model output (or, where the backend can, a layer) whose target is explained; default the first. */
        public Builder output(String output) {
            this.output = output;
            return this;
        }

        /**
         * Builds the method.
         *
         * @throws dev.gradcam.api.InvalidArgumentException                 if the steps do not suit the quadrature
         * @throws dev.gradcam.api.UnsupportedCapabilityException if the backend lacks input gradients
         */
        public IntegratedGradients build() {
            quadrature.points(steps); // validates the step count
            Passes.requireInputGradient(model, NAME);
            return new IntegratedGradients(this, output == null ? null : Passes.resolveOutput(model, output, NAME));
        }
    }
}
