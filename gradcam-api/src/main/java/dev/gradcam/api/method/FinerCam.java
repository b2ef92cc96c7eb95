package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Supplier;

/**
 * Finer-CAM (Zhang et al. 2025; pytorch-grad-cam's {@code FinerCAM}): explains what sets a class apart from the
 * classes the model finds most similar, by running a base method (Grad-CAM by default) on
 * {@link Targets#finer(int, int[], double) the weighted difference} {@code sum_j p_j (y_c - alpha y_j) / sum_j p_j}
 * instead of the logit {@code y_c}. Good for fine-grained classes (bird species, car models) where plain Grad-CAM
 * highlights what all the similar classes share.
 *
 * <p>Each image's class c is its target's class (the top class by default); the comparison classes are found on the
 * clean output: the classes sorted by {@code |y_j - y_c|}, taking positions 1, 2, 3 of that order (position 0 is c
 * itself), pytorch-grad-cam's {@code comparison_categories}; or fixed classes with
 * {@link #withComparisonClasses(int...)}. {@code alpha} (default 1) sets how much the similar classes are subtracted.
 * A target without a class (a region, a custom function) is explained as is. Cost: the base method's plus one
 * forward pass to find the classes; the target depends on the output (softmax weights), so gradient backends run
 * the forward pass before the backward pass. Immutable.
 */
public final class FinerCam extends WrappedCamMethod {

    /** pytorch-grad-cam's default comparison positions. */
    static final int[] DEFAULT_RANKS = {1, 2, 3};

    private final double alpha;
    private final int[] ranks;
    private final int[] classes;

    FinerCam(CamMethod base, double alpha, int[] ranks, int[] classes) {
        super(base);
        if (!Double.isFinite(alpha)) {
            throw new InvalidArgumentException("alpha must be finite, got " + alpha);
        }
        int[] chosen = classes != null ? classes : ranks;
        if (chosen.length == 0 || Arrays.stream(chosen).anyMatch(r -> r < 0)
                || classes == null && Arrays.stream(ranks).anyMatch(r -> r == 0)) {
            throw new InvalidArgumentException("comparison " + (classes != null ? "classes" : "positions")
                    + " must be non-empty and " + (classes != null ? ">= 0" : ">= 1 (0 is the class itself)")
                    + ", got " + Arrays.toString(chosen));
        }
        this.alpha = alpha;
        this.ranks = ranks.clone();
        this.classes = classes == null ? null : classes.clone();
    }

    /** The same method subtracting the similar classes with weight alpha (default 1). */
    public FinerCam withAlpha(double alpha) {
        return new FinerCam(base, alpha, ranks, classes);
    }

    /** Compare with the classes at these positions of the similarity order (default 1, 2, 3). */
    public FinerCam withComparisonRanks(int... ranks) {
        InvalidArgumentException.requireNonNull(ranks, "ranks");
        return new FinerCam(base, alpha, ranks, null);
    }

    /** Compare with these classes, whatever the output. */
    public FinerCam withComparisonClasses(int... classes) {
        return new FinerCam(base, alpha, ranks, InvalidArgumentException.requireNonNull(classes, "classes"));
    }

    /** The same comparison on another base method, e.g. {@code CamMethods.layerCam()}. */
    public FinerCam withBase(CamMethod base) {
        return new FinerCam(base, alpha, ranks, classes);
    }

    @Override
    public String name() {
        return "finer-cam";
    }

    @Override
    public List<Target> targets(List<Target> targets, Supplier<FloatTensor> cleanOutput) {
        InvalidArgumentException.requireNonNull(targets, "targets");
        InvalidArgumentException.requireNonNull(cleanOutput, "cleanOutput");
        FloatTensor output = cleanOutput.get();
        List<Target> out = new ArrayList<>(targets.size());
        for (int i = 0; i < targets.size(); i++) {
            FloatTensor y = output.slice(i);
            Target t = targets.get(i);
            OptionalInt c = t.classIndex(y);
            out.add(c.isPresent() ? Targets.finer(c.getAsInt(), comparison(y, c.getAsInt()), alpha) : t);
        }
        return out;
    }

    /** The comparison classes for class c: fixed, or by position in the order of |y_j - y_c| (ties by index). */
    private int[] comparison(FloatTensor y, int c) {
        if (classes != null) {
            return classes;
        }
        int n = y.size();
        float yc = y.getFlat(c);
        List<Integer> order = new ArrayList<>(n);
        order.add(c);
        for (int j = 0; j < n; j++) {
            if (j != c) {
                order.add(j);
            }
        }
        order.subList(1, n).sort(Comparator.comparingDouble(j -> Math.abs(y.getFlat(j) - yc)));
        int[] out = new int[ranks.length];
        for (int r = 0; r < ranks.length; r++) {
            if (ranks[r] >= n) {
                throw new dev.gradcam.api.InvalidInputException("comparison position " + ranks[r]
                        + " needs more than " + n + " classes");
            }
            out[r] = order.get(ranks[r]);
        }
        return out;
    }

    @Override
    public List<LayerMaps> explain(CamContext context) {
        InvalidArgumentException.requireNonNull(context, "context");
        return base.explain(context);
    }

    @Override
    public CamMethod compatible(Compatibility compatibility) {
        return new FinerCam(base.compatible(compatibility), alpha, ranks, classes);
    }

    @Override
    public String settings() {
        return "base=" + base.name() + ", alpha=" + alpha + ", "
                + (classes != null ? "classes=" + Arrays.toString(classes) : "ranks=" + Arrays.toString(ranks));
    }
}
