package dev.gradcam.examples.cli;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.DifferentiableModel;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What to explain, written on the command line: {@code top} (each image's highest-scoring class), a class index
 * {@code N}, {@code softmax[:N]} (the softmax probability of class N, default each image's top class),
 * {@code rest[:N]} (ReST, the logit minus the cross-entropy, as the ShapleyCAM paper recommends), {@code raw-scores}
 * (the sum of the whole output, e.g. a regression), or {@code region[:CHANNEL[:THRESHOLD]]}: the pixels of a spatial
 * output (segmentation or detection map) whose value exceeds THRESHOLD (default {@value #DEFAULT_THRESHOLD}) in
 * CHANNEL (default 0), found by a forward pass. Forms that default to the top class find it with a forward pass.
 *
 * @param text    the specification as given
 * @param kind    which form
 * @param index   the class index ({@link Kind#CLASS}) or the channel ({@link Kind#REGION})
 * @param threshold the region threshold
 */
public record TargetSpec(String text, Kind kind, int index, double threshold) {

    /** The forms of a target. */
    public enum Kind {
        /** The top class. */
        TOP,
        /** A fixed class index. */
        CLASS,
        /** Thresholded pixels of a spatial output. */
        REGION,
        /** The softmax probability of a class (index -1: each image's top class). */
        SOFTMAX,
        /** ReST of a class (index -1: each image's top class). */
        REST,
        /** The sum of the output. */
        RAW_SCORES
    }

    /** The forms accepted, for help and error messages. */
    public static final String FORMS = "top, a class index N, softmax[:N], rest[:N], raw-scores, "
            + "region[:CHANNEL[:THRESHOLD]]";

    /** The region threshold when the specification gives none. */
    public static final double DEFAULT_THRESHOLD = 0.3;

    public TargetSpec {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
    }

    /**
     * Parses a specification.
     *
     * @throws IllegalArgumentException naming the bad part and the accepted forms
     */
    public static TargetSpec parse(String text) {
        Objects.requireNonNull(text, "text");
        String t = text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("top")) {
            return new TargetSpec(t, Kind.TOP, -1, 0);
        }
        if (t.equals("raw-scores")) {
            return new TargetSpec(t, Kind.RAW_SCORES, -1, 0);
        }
        for (Kind k : new Kind[] {Kind.SOFTMAX, Kind.REST}) {
            String word = k.name().toLowerCase(Locale.ROOT);
            if (t.equals(word)) {
                return new TargetSpec(t, k, -1, 0);
            }
            if (t.startsWith(word + ":")) {
                return new TargetSpec(t, k, nonNegative(t.substring(word.length() + 1), text), 0);
            }
        }
        if (t.equals("region") || t.startsWith("region:")) {
            String[] p = t.split(":", -1);
            if (p.length > 3) {
                throw new IllegalArgumentException("target '" + text + "' has too many parts; use " + FORMS);
            }
            int channel = p.length > 1 ? nonNegative(p[1], text) : 0;
            double threshold = DEFAULT_THRESHOLD;
            if (p.length > 2) {
                try {
                    threshold = Double.parseDouble(p[2]);
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("target '" + text + "': threshold '" + p[2]
                            + "' is not a number");
                }
            }
            return new TargetSpec(t, Kind.REGION, channel, threshold);
        }
        return new TargetSpec(t, Kind.CLASS, nonNegative(t, text), 0);
    }

    /**
     * One target per image of {@code batch}; a region target runs {@code model} forward once to find its pixels.
     *
     * @throws InvalidInputException if the model's output is not a spatial map where a region was asked for, or no
     *                               pixel passes the threshold
     */
    public List<Target> targets(DifferentiableModel model, FloatTensor batch) {
        int n = batch.shape().intDim(0);
        return switch (kind) {
            case TOP -> Collections.nCopies(n, Targets.topClass());
            case CLASS -> Collections.nCopies(n, Targets.classLogit(index));
            case RAW_SCORES -> Collections.nCopies(n, Targets.rawScores());
            case SOFTMAX, REST -> {
                FloatTensor output = index < 0 ? model.forward(batch) : null;
                List<Target> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    int c = index >= 0 ? index : output.slice(i).argMax();
                    out.add(kind == Kind.SOFTMAX ? Targets.classProbability(c) : Targets.rest(c));
                }
                yield out;
            }
            case REGION -> {
                FloatTensor output = model.forward(batch);
                List<Target> out = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    out.add(Targets.region(index, mask(output.slice(i), i)));
                }
                yield out;
            }
        };
    }

    private FloatTensor mask(FloatTensor output, int image) {
        Shape s = output.shape();
        if (s.rank() != 3 || index >= s.dim(0)) {
            throw new InvalidInputException("target '" + text + "' needs a spatial output [N, C, H, W] with more than "
                    + index + " channel(s), but the model's output per image is " + s + "; use 'top' or a class "
                    + "index for classifiers");
        }
        int h = s.intDim(1);
        int w = s.intDim(2);
        float[] m = new float[h * w];
        int count = 0;
        for (int p = 0; p < m.length; p++) {
            if (output.getFlat(index * h * w + p) > threshold) {
                m[p] = 1f;
                count++;
            }
        }
        if (count == 0) {
            throw new InvalidInputException("target '" + text + "': no pixel of output channel " + index
                    + " exceeds " + threshold + " in image " + image + " (its maximum is " + channelMax(output, h * w)
                    + "); lower the threshold, e.g. region:" + index + ":" + (threshold / 2));
        }
        return FloatTensor.wrapOwned(Shape.of(h, w), m);
    }

    private float channelMax(FloatTensor output, int plane) {
        float max = Float.NEGATIVE_INFINITY;
        for (int p = 0; p < plane; p++) {
            max = Math.max(max, output.getFlat(index * plane + p));
        }
        return max;
    }

    private static int nonNegative(String s, String text) {
        try {
            int v = Integer.parseInt(s);
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("unknown target '" + text + "'; use " + FORMS);
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
