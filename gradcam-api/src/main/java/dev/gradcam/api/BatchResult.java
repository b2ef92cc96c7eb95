package dev.gradcam.api;

import java.util.List;

/**
 * What every result over a batch of images records about each image's target: the explained score, the class
 * (where the target is about one) and a description. {@link Explanation} and
 * {@link dev.gradcam.api.saliency.Attribution} both extend it. Immutable and thread-safe.
 */
public abstract class BatchResult {

    private final double[] scores;
    private final int[] classes;
    private final List<String> targets;

    /**
     * Copies the per-image values; subclasses check that they agree with the batch where they must.
     *
     * @param scores  each image's target score
     * @param classes each image's explained class, -1 where the target is not about a class
     * @param targets each image's target description
     */
    protected BatchResult(double[] scores, int[] classes, List<String> targets) {
        this.scores = InvalidArgumentException.requireNonNull(scores, "scores").clone();
        this.classes = InvalidArgumentException.requireNonNull(classes, "classes").clone();
        this.targets = List.copyOf(InvalidArgumentException.requireNonNull(targets, "targets"));
    }

    /** Number of images. */
    public int size() {
        return scores.length;
    }

    /** Image {@code i}'s target score. */
    public double score(int i) {
        return scores[i];
    }

    /** A copy of all scores. */
    public double[] scores() {
        return scores.clone();
    }

    /** Image {@code i}'s explained class, or -1 where the target is not a class. */
    public int targetClass(int i) {
        return classes[i];
    }

    /** A copy of all explained classes, -1 where a target is not a class. */
    public int[] targetClasses() {
        return classes.clone();
    }

    /** Image {@code i}'s target description. */
    public String target(int i) {
        return targets.get(i);
    }

    /** Every image's target description, in batch order (unmodifiable). */
    public List<String> targets() {
        return targets;
    }
}
