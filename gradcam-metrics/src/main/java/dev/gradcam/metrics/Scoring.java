package dev.gradcam.metrics;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.method.ProgressListener;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import java.util.function.IntFunction;

/**
 * How metrics run the model: forward passes over perturbed inputs, at most {@link #batchSize()} inputs per backend
 * call, so memory stays bounded and a curve of S steps costs about S inferences. Immutable and thread-safe when the
 * model is; it does not own the model.
 */
public final class Scoring {

    /** Perturbed inputs per backend call unless told otherwise. */
    public static final int DEFAULT_BATCH_SIZE = 32;

    private final DifferentiableModel model;
    private final int batchSize;
    private final String output;
    private final ProgressListener progress;

    private Scoring(DifferentiableModel model, int batchSize, String output, ProgressListener progress) {
        this.model = InvalidArgumentException.requireNonNull(model, "model");
        if (batchSize < 1) {
            throw new InvalidArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.output = output;
        this.progress = InvalidArgumentException.requireNonNull(progress, "progress");
    }

    /** Scores with {@code model}'s first output, {@value #DEFAULT_BATCH_SIZE} inputs per call, no progress. */
    public static Scoring of(DifferentiableModel model) {
        return new Scoring(model, DEFAULT_BATCH_SIZE, null, ProgressListener.NONE);
    }

    /** The same with at most {@code size} perturbed inputs per backend call. */
    public Scoring withBatchSize(int size) {
        return new Scoring(model, size, output, progress);
    }

    /** The same, scoring the model output (or layer tensor) named {@code name}. */
    public Scoring withOutput(String name) {
        return new Scoring(model, batchSize, InvalidArgumentException.requireNonNull(name, "name"), progress);
    }

    /** The same, reporting each finished batch to {@code listener}. */
    public Scoring withProgress(ProgressListener listener) {
        return new Scoring(model, batchSize, output, listener);
    }

    public DifferentiableModel model() {
        return model;
    }

    public int batchSize() {
        return batchSize;
    }

    /** The model output for a batch, in one call per {@link #batchSize()} inputs. */
    public FloatTensor outputs(FloatTensor inputs) {
        int n = inputs.shape().intDim(0);
        if (n <= batchSize) {
            return run(inputs);
        }
        return FloatTensor.concat(java.util.stream.IntStream.iterate(0, i -> i < n, i -> i + batchSize)
                .mapToObj(from -> run(Batches.range(inputs, from, Math.min(n, from + batchSize))))
                .toList());
    }

    /**
     * Scores the clean images once: the targets with top-class targets pinned to the class each clean image scores
     * highest (so that perturbed copies keep being scored on the class that was explained), and each image's score.
     */
    public CleanScores clean(FloatTensor images, List<Target> targets) {
        Batches.checkTargets(images, targets);
        FloatTensor o = outputs(images);
        List<Target> pinned = Targets.pinTopClass(targets, o);
        return new CleanScores(pinned, Targets.scores(pinned, o));
    }

    /** The clean images' pinned targets and scores. */
    public record CleanScores(List<Target> targets, double[] scores) {
        public CleanScores {
            targets = List.copyOf(targets);
            scores = scores.clone();
        }

        /** Image {@code i}'s score. */
        public double score(int i) {
            return scores[i];
        }

        /** Image {@code i}'s target. */
        public Target target(int i) {
            return targets.get(i);
        }
    }

    /** Each image's target score (targets already pinned). */
    public double[] scores(FloatTensor images, List<Target> targets) {
        Batches.checkTargets(images, targets);
        return Targets.scores(targets, outputs(images));
    }

    /**
     * Scores {@code count} inputs made on demand: input {@code k} is {@code input.apply(k)} ([C, H, W] or any
     * per-example shape) scored with {@code target.apply(k)}. Inputs are built one batch at a time, so only
     * {@link #batchSize()} of them are alive at once.
     *
     * @param task what the passes are for, reported to the progress listener
     */
    public double[] scores(int count, IntFunction<FloatTensor> input, IntFunction<Target> target, String task) {
        double[] out = new double[count];
        for (int from = 0; from < count; from += batchSize) {
            int to = Math.min(count, from + batchSize);
            FloatTensor[] parts = new FloatTensor[to - from];
            for (int k = from; k < to; k++) {
                parts[k - from] = input.apply(k);
            }
            FloatTensor o = run(FloatTensor.stack(List.of(parts)));
            for (int k = from; k < to; k++) {
                out[k] = target.apply(k).score(o.slice(k - from));
            }
            progress.progress(task, to, count);
        }
        return out;
    }

    private FloatTensor run(FloatTensor batch) {
        PassRequest.Builder b = PassRequest.builder(batch);
        if (output != null) {
            b.output(output);
        }
        FloatTensor o = model.run(b.build()).output();
        Shape s = o.shape();
        if (s.rank() < 1 || s.dim(0) != batch.shape().dim(0)) {
            throw new InvalidInputException("the model output " + s + " has no batch axis of "
                    + batch.shape().dim(0) + "; metrics need an output with one row per input");
        }
        return o;
    }
}
