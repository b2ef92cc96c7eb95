package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Runs metrics by {@linkplain MetricName name} on one {@link Candidate} at a time, sharing work between metrics
 * (ROAD percentiles run in one batched pass, deletion/insertion curves once). Immutable and thread-safe when the
 * model is. Build with {@link #builder(Scoring)}.
 */
public final class Evaluator {

    private final Scoring scoring;
    private final int steps;
    private final PerturbationBaseline deletionBaseline;
    private final PerturbationBaseline insertionBaseline;
    private final NoisyLinearImputer imputer;
    private final FloatTensor masks;
    private final double pointingTolerance;
    private final int samples;
    private final double infidelitySigma;
    private final double sensitivityRadius;
    private final long seed;

    private Evaluator(Builder b) {
        this.scoring = b.scoring;
        this.steps = b.steps;
        this.deletionBaseline = b.deletionBaseline;
        this.insertionBaseline = b.insertionBaseline;
        this.imputer = NoisyLinearImputer.of(b.roadNoise, b.seed);
        this.masks = b.masks;
        this.pointingTolerance = b.pointingTolerance;
        this.samples = b.samples;
        this.infidelitySigma = b.infidelitySigma;
        this.sensitivityRadius = b.sensitivityRadius;
        this.seed = b.seed;
    }

    public static Builder builder(Scoring scoring) {
        return new Builder(scoring);
    }

    /**
     * Evaluates {@code candidate} on {@code images} ([N, C, H, W], one target per image) with {@code metrics}.
     * Metrics the candidate cannot support (coherency without a method to recompute, infidelity without pixel
     * attributions, localisation without masks) give NaN and a note.
     */
    public Evaluation evaluate(FloatTensor images, List<Target> targets, Candidate candidate,
                               List<MetricName> metrics) {
        Batches.checkImagesAndMaps(images, candidate.maps());
        Batches.checkTargets(images, targets);
        int n = images.shape().intDim(0);
        FloatTensor maps = candidate.maps();
        List<String> notes = new ArrayList<>();
        Map<String, double[]> values = new LinkedHashMap<>();
        Map<String, Curves> curves = new LinkedHashMap<>();
        Map<String, double[]> road = road(images, maps, targets, metrics);
        double[] nan = new double[n];
        Arrays.fill(nan, Double.NaN);
        Arcc arcc = candidate.method() == null ? null : Arcc.of(scoring, imputer, candidate.method());
        DeletionInsertion di = DeletionInsertion.of(scoring).withSteps(steps)
                .withBaselines(deletionBaseline, insertionBaseline);
        Robustness robust = Robustness.of(scoring).withSamples(samples);
        for (MetricName m : metrics) {
            String key = m.toString();
            double[] v = switch (m.base()) {
                case "road-morf", "road-lerf", "road-combined" -> road.get(key);
                case "confidence-change" -> ConfidenceChange.of(scoring).change(images, maps, targets);
                case "drop-in-confidence" -> ConfidenceChange.of(scoring).drop(images, maps, targets);
                case "increase-in-confidence" -> ConfidenceChange.of(scoring).increase(images, maps, targets);
                case "deletion" -> {
                    Curves c = di.deletion(images, maps, targets);
                    curves.put("deletion", c);
                    yield c.areas();
                }
                case "insertion" -> {
                    Curves c = di.insertion(images, maps, targets);
                    curves.put("insertion", c);
                    yield c.areas();
                }
                case "complexity" -> Arcc.complexity(maps);
                case "coherency", "arcc" -> {
                    if (arcc == null) {
                        notes.add(key + " recomputes the maps on masked images: not available for "
                                + candidate.name() + " (maps made elsewhere)");
                        yield nan;
                    }
                    double[] coherency = arcc.coherency(images, maps, targets);
                    yield m.base().equals("coherency") ? coherency
                            : Arcc.combine(Arcc.complexity(maps), coherency, road.get("road-combined@arcc"));
                }
                case "pointing-game", "energy-pointing-game", "relevance-mass", "relevance-rank" -> {
                    if (masks == null) {
                        notes.add(key + " needs object masks");
                        yield nan;
                    }
                    yield switch (m.base()) {
                        case "pointing-game" -> Localisation.pointingGame(maps, masks, pointingTolerance);
                        case "energy-pointing-game" -> Localisation.energyPointingGame(maps, masks);
                        case "relevance-mass" -> Localisation.relevanceMass(maps, masks);
                        default -> Localisation.relevanceRank(maps, masks);
                    };
                }
                case "sparseness" -> MapComplexity.sparseness(candidate.attributions() != null
                        ? candidate.attributions() : maps);
                case "entropy" -> MapComplexity.entropy(candidate.attributions() != null
                        ? candidate.attributions() : maps);
                case "infidelity" -> {
                    if (candidate.attributions() == null) {
                        notes.add("infidelity needs pixel attributions (a pixel-space method): not available for "
                                + candidate.name());
                        yield nan;
                    }
                    yield robust.infidelity(images, candidate.attributions(), targets,
                            Perturbation.gaussian(infidelitySigma, seed));
                }
                case "max-sensitivity" -> {
                    if (candidate.attributions() == null || candidate.attribution() == null) {
                        notes.add("max-sensitivity re-attributes perturbed inputs with a pixel-space method: not "
                                + "available for " + candidate.name());
                        yield nan;
                    }
                    yield robust.maxSensitivity(images, candidate.attributions(), targets, candidate.attribution(),
                            Perturbation.uniform(sensitivityRadius, seed));
                }
                default -> throw new IllegalStateException("unhandled metric " + key);
            };
            values.put(key, v);
        }
        return new Evaluation(candidate.name(), values, curves, notes);
    }

    /** Every ROAD value the metrics need, from one batched run. Keys: metric names, plus road-combined@arcc. */
    private Map<String, double[]> road(FloatTensor images, FloatTensor maps, List<Target> targets,
                                       List<MetricName> metrics) {
        TreeSet<Double> ps = new TreeSet<>();
        for (MetricName m : metrics) {
            switch (m.base()) {
                case "road-morf", "road-lerf" -> {
                    if (m.hasPercentile()) {
                        ps.add(m.percentile());
                    } else {
                        ps.addAll(Road.DEFAULT_PERCENTILES);
                    }
                }
                case "road-combined" -> ps.addAll(Road.DEFAULT_PERCENTILES);
                case "arcc" -> ps.addAll(Arcc.ROAD_PERCENTILES);
                default -> {
                }
            }
        }
        Map<String, double[]> out = new LinkedHashMap<>();
        if (ps.isEmpty()) {
            return out;
        }
        List<Double> list = new ArrayList<>(ps);
        double[][] ch = Road.of(scoring, imputer).changes(images, maps, targets, list,
                List.of(Road.Order.MOST_RELEVANT_FIRST, Road.Order.LEAST_RELEVANT_FIRST));
        int p = list.size();
        for (int k = 0; k < p; k++) {
            out.put(new MetricName("road-morf", list.get(k)).toString(), ch[k]);
            out.put(new MetricName("road-lerf", list.get(k)).toString(), ch[p + k]);
        }
        double[] morf = mean(out, "road-morf", Road.DEFAULT_PERCENTILES);
        double[] lerf = mean(out, "road-lerf", Road.DEFAULT_PERCENTILES);
        if (morf != null) {
            out.put("road-morf", morf);
            out.put("road-lerf", lerf);
            out.put("road-combined", half(lerf, morf));
        }
        double[] am = mean(out, "road-morf", Arcc.ROAD_PERCENTILES);
        if (am != null) {
            out.put("road-combined@arcc", half(mean(out, "road-lerf", Arcc.ROAD_PERCENTILES), am));
        }
        return out;
    }

    private static double[] mean(Map<String, double[]> at, String base, List<Double> percentiles) {
        double[] sum = null;
        for (double q : percentiles) {
            double[] v = at.get(new MetricName(base, q).toString());
            if (v == null) {
                return null;
            }
            if (sum == null) {
                sum = new double[v.length];
            }
            for (int i = 0; i < v.length; i++) {
                sum[i] += v[i] / percentiles.size();
            }
        }
        return sum;
    }

    private static double[] half(double[] lerf, double[] morf) {
        double[] out = new double[lerf.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (lerf[i] - morf[i]) / 2;
        }
        return out;
    }

    /** Builds {@link Evaluator}s. Not thread-safe. */
    public static final class Builder {
        private final Scoring scoring;
        private int steps = DeletionInsertion.DEFAULT_STEPS;
        private PerturbationBaseline deletionBaseline = PerturbationBaseline.ZERO;
        private PerturbationBaseline insertionBaseline = PerturbationBaseline.BLUR;
        private double roadNoise = NoisyLinearImputer.DEFAULT_NOISE;
        private FloatTensor masks;
        private double pointingTolerance;
        private int samples = Robustness.DEFAULT_SAMPLES;
        private double infidelitySigma = 0.1;
        private double sensitivityRadius = 0.02;
        private long seed;

        private Builder(Scoring scoring) {
            this.scoring = InvalidArgumentException.requireNonNull(scoring, "scoring");
        }

        /** Deletion / insertion steps (default 100). */
        public Builder steps(int count) {
            if (count < 1) {
                throw new InvalidArgumentException("steps must be at least 1, got " + count);
            }
            this.steps = count;
            return this;
        }

        /** Deletion and insertion baselines (default zero and blur, as RISE). */
        public Builder baselines(PerturbationBaseline deletion, PerturbationBaseline insertion) {
            this.deletionBaseline = InvalidArgumentException.requireNonNull(deletion, "deletion");
            this.insertionBaseline = InvalidArgumentException.requireNonNull(insertion, "insertion");
            return this;
        }

        /** ROAD's imputation noise (default 0.01; 0 is deterministic). */
        public Builder roadNoise(double noise) {
            NoisyLinearImputer.of(noise, 0);
            this.roadNoise = noise;
            return this;
        }

        /** Object masks [N, H, W] for the localisation metrics. */
        public Builder masks(FloatTensor masks) {
            this.masks = masks;
            return this;
        }

        /** The pointing game's tolerance in pixels (default 0: the peak must be inside the mask). */
        public Builder pointingTolerance(double pixels) {
            if (!(pixels >= 0)) {
                throw new InvalidArgumentException("tolerance must be >= 0, got " + pixels);
            }
            this.pointingTolerance = pixels;
            return this;
        }

        /** Perturbations per image for infidelity and max-sensitivity (default 10). */
        public Builder samples(int count) {
            if (count < 1) {
                throw new InvalidArgumentException("samples must be at least 1, got " + count);
            }
            this.samples = count;
            return this;
        }

        /** Infidelity's Gaussian perturbation sigma (default 0.1) and max-sensitivity's radius (default 0.02). */
        public Builder perturbation(double infidelitySigma, double sensitivityRadius) {
            Perturbation.gaussian(infidelitySigma, 0);
            Perturbation.uniform(sensitivityRadius, 0);
            this.infidelitySigma = infidelitySigma;
            this.sensitivityRadius = sensitivityRadius;
            return this;
        }

        /** Seed of every random draw (ROAD noise, perturbations). */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        public Evaluator build() {
            if (masks != null && masks.shape().rank() != 3) {
                throw new InvalidInputException("masks must be [N, H, W], got " + masks.shape());
            }
            return new Evaluator(this);
        }
    }
}
