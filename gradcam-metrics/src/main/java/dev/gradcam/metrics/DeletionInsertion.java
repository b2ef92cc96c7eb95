package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Deletion and insertion curves (Petsiuk et al. 2018, RISE). Pixels are ranked by map value, highest first (ties
 * by row-major index). With S steps, point k (0..S) has the first {@code floor(k * H * W / S)} ranked pixels
 * replaced by the baseline (deletion: a good map makes the score fall fast, low area) or copied from the image
 * into the baseline (insertion: a good map makes it rise fast, high area); the replaced pixel takes the baseline's
 * value on every channel. Each image costs S + 1 inferences, in batches of {@link Scoring#batchSize()}.
 * Immutable and thread-safe when the model is.
 */
public final class DeletionInsertion {

    /** Steps unless told otherwise. */
    public static final int DEFAULT_STEPS = 100;

    private final Scoring scoring;
    private final int steps;
    private final PerturbationBaseline deletionBaseline;
    private final PerturbationBaseline insertionBaseline;

    private DeletionInsertion(Scoring scoring, int steps, PerturbationBaseline deletion,
                              PerturbationBaseline insertion) {
        this.scoring = InvalidArgumentException.requireNonNull(scoring, "scoring");
        if (steps < 1) {
            throw new InvalidArgumentException("steps must be at least 1, got " + steps);
        }
        this.steps = steps;
        this.deletionBaseline = InvalidArgumentException.requireNonNull(deletion, "deletion baseline");
        this.insertionBaseline = InvalidArgumentException.requireNonNull(insertion, "insertion baseline");
    }

    /** {@value #DEFAULT_STEPS} steps; deletion to zeros, insertion from the blurred image (as RISE). */
    public static DeletionInsertion of(Scoring scoring) {
        return new DeletionInsertion(scoring, DEFAULT_STEPS, PerturbationBaseline.ZERO, PerturbationBaseline.BLUR);
    }

    public DeletionInsertion withSteps(int count) {
        return new DeletionInsertion(scoring, count, deletionBaseline, insertionBaseline);
    }

    /** The same baseline for both curves. */
    public DeletionInsertion withBaseline(PerturbationBaseline baseline) {
        return new DeletionInsertion(scoring, steps, baseline, baseline);
    }

    public DeletionInsertion withBaselines(PerturbationBaseline deletion, PerturbationBaseline insertion) {
        return new DeletionInsertion(scoring, steps, deletion, insertion);
    }

    public int steps() {
        return steps;
    }

    /** Deletion curves: the most relevant pixels replaced by the baseline first. */
    public Curves deletion(FloatTensor images, FloatTensor maps, List<Target> targets) {
        return curves("deletion", images, maps, targets, true);
    }

    /** Insertion curves: the most relevant pixels of the image put into the baseline first. */
    public Curves insertion(FloatTensor images, FloatTensor maps, List<Target> targets) {
        return curves("insertion", images, maps, targets, false);
    }

    private Curves curves(String name, FloatTensor images, FloatTensor maps, List<Target> targets, boolean delete) {
        Batches.checkImagesAndMaps(images, maps);
        List<Target> pinned = scoring.clean(images, targets).targets();
        int n = images.shape().intDim(0);
        int hw = maps.shape().intDim(1) * maps.shape().intDim(2);
        if (hw == 0) {
            throw new InvalidInputException("images have no pixels: " + images.shape());
        }
        int[][] order = new int[n][];
        FloatTensor[] baselines = new FloatTensor[n];
        PerturbationBaseline b = delete ? deletionBaseline : insertionBaseline;
        for (int i = 0; i < n; i++) {
            order[i] = ranking(maps.slice(i));
            baselines[i] = b.of(images.slice(i));
        }
        int points = steps + 1;
        double[] s = scoring.scores(n * points, k -> {
            int i = k / points;
            int changed = count(k % points, hw);
            return delete ? mix(images.slice(i), baselines[i], order[i], changed)
                    : mix(baselines[i], images.slice(i), order[i], changed);
        }, k -> pinned.get(k / points), name + " steps");
        double[] fractions = new double[points];
        for (int k = 0; k < points; k++) {
            fractions[k] = count(k, hw) / (double) hw;
        }
        List<double[]> perImage = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            perImage.add(Arrays.copyOfRange(s, i * points, (i + 1) * points));
        }
        return new Curves(name, fractions, perImage);
    }

    private int count(int step, int hw) {
        return (int) ((long) step * hw / steps);
    }

    /** Pixel indices by decreasing map value, ties by index. */
    static int[] ranking(FloatTensor map) {
        float[] m = map.toArray();
        Integer[] idx = new Integer[m.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (a, c) -> Float.compare(m[c], m[a]));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /** {@code base} with the first {@code changed} ranked pixels taken from {@code from} (all channels). */
    private static FloatTensor mix(FloatTensor base, FloatTensor from, int[] order, int changed) {
        float[] out = base.toArray();
        float[] src = from.toArray();
        int hw = order.length;
        int c = out.length / hw;
        for (int j = 0; j < changed; j++) {
            int p = order[j];
            for (int ch = 0; ch < c; ch++) {
                out[ch * hw + p] = src[ch * hw + p];
            }
        }
        return FloatTensor.wrapOwned(base.shape(), out);
    }
}
