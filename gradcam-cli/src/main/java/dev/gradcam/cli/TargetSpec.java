package dev.gradcam.cli;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.target.Box;
import dev.gradcam.api.target.ReferenceBox;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * What to explain, written on the command line (one {@code --target}); {@link TargetPlan} turns one or more of them
 * into per-image targets. Forms:
 * <ul>
 *   <li>{@code top}: each image's highest-scoring class; {@code N}: class N; {@code softmax[:N]}: the softmax
 *       probability of class N (default each image's top class); {@code rest[:N]}: ReST, the logit minus the
 *       cross-entropy, as the ShapleyCAM paper recommends; {@code raw-scores}: the sum of the whole output.</li>
 *   <li>{@code region[:CLASS[:THRESHOLD | :MASK.png]]}: a region of a spatial output [N, C, H, W], summed as
 *       pytorch-grad-cam's SemanticSegmentationTarget: the pixels predicted as CLASS (multi-channel outputs, no
 *       threshold), those whose CLASS channel exceeds THRESHOLD (default {@value #DEFAULT_THRESHOLD} for
 *       single-channel maps), or the white pixels of a mask image.</li>
 *   <li>{@code element:I[,J...]}: one element of each image's output, one index per axis or one flat index.</li>
 *   <li>{@code detection:BOX:CLASS}: class CLASS at candidate box BOX of a raw detection output.</li>
 *   <li>{@code box:X1,Y1,X2,Y2:LABEL[:IOU]}: pytorch-grad-cam's FasterRCNNBoxScoreTarget; repeat for several.</li>
 *   <li>{@code similar-to:REF}: cosine similarity of the output embedding with REF's (an image or a .npy).</li>
 * </ul>
 *
 * @param text      the specification as given
 * @param kind      which form
 * @param index     the class ({@link Kind#CLASS}, {@link Kind#REGION}, {@link Kind#DETECTION}'s class) or -1
 * @param box       {@link Kind#DETECTION}'s candidate box index, or -1
 * @param threshold the region threshold, or NaN when none was given
 * @param indices   {@link Kind#ELEMENT}'s indices, else empty
 * @param reference {@link Kind#BOX}'s box, else null
 * @param file      the region mask or similarity reference, else null
 */
public record TargetSpec(String text, Kind kind, int index, int box, double threshold, List<Integer> indices,
                         ReferenceBox reference, Path file) {

    /** The forms of a target. */
    public enum Kind {
        /** The top class. */
        TOP,
        /** A fixed class index. */
        CLASS,
        /** A region of a spatial output. */
        REGION,
        /** One element of the output. */
        ELEMENT,
        /** One class at one candidate box. */
        DETECTION,
        /** A reference box and label. */
        BOX,
        /** Similarity to a reference embedding. */
        SIMILAR,
        /** The softmax probability of a class (index -1: each image's top class). */
        SOFTMAX,
        /** ReST of a class (index -1: each image's top class). */
        REST,
        /** The sum of the output. */
        RAW_SCORES
    }

    /** The forms accepted, for help and error messages. */
    public static final String FORMS = "top, a class index N, softmax[:N], rest[:N], raw-scores, "
            + "region[:CLASS[:THRESHOLD|:MASK.png]], "
            + "element:I[,J...], detection:BOX:CLASS, box:X1,Y1,X2,Y2:LABEL[:IOU], similar-to:REF.png|REF.npy";

    /** The region threshold of single-channel maps when the specification gives none. */
    public static final double DEFAULT_THRESHOLD = 0.3;

    public TargetSpec {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(kind, "kind");
        indices = List.copyOf(indices);
    }

    private static TargetSpec of(String text, Kind kind, int index) {
        return new TargetSpec(text, kind, index, -1, Double.NaN, List.of(), null, null);
    }

    /**
     * Parses a specification.
     *
     * @throws IllegalArgumentException naming the bad part and the accepted forms
     */
    public static TargetSpec parse(String text) {
        Objects.requireNonNull(text, "text");
        String given = text.strip();
        String t = given.toLowerCase(Locale.ROOT);
        if (t.equals("top")) {
            return of(t, Kind.TOP, -1);
        }
        if (t.equals("raw-scores")) {
            return of(t, Kind.RAW_SCORES, -1);
        }
        for (Kind k : new Kind[] {Kind.SOFTMAX, Kind.REST}) {
            String word = k.name().toLowerCase(Locale.ROOT);
            if (t.equals(word)) {
                return of(t, k, -1);
            }
            if (t.startsWith(word + ":")) {
                return of(t, k, nonNegative(t.substring(word.length() + 1), given, "class index"));
            }
        }
        String head = t.contains(":") ? t.substring(0, t.indexOf(':')) : t;
        // Paths keep their case; everything else is case-insensitive.
        String[] p = given.split(":", -1);
        return switch (head) {
            case "region" -> region(given, p);
            case "element" -> {
                requireParts(given, p, 2, 2);
                List<Integer> idx = new ArrayList<>();
                for (String s : p[1].split(",", -1)) {
                    idx.add(nonNegative(s, given, "element index"));
                }
                yield new TargetSpec(given, Kind.ELEMENT, -1, -1, Double.NaN, idx, null, null);
            }
            case "detection" -> {
                requireParts(given, p, 3, 3);
                yield new TargetSpec(given, Kind.DETECTION, nonNegative(p[2], given, "class"),
                        nonNegative(p[1], given, "box index"), Double.NaN, List.of(), null, null);
            }
            case "box" -> box(given, p);
            case "similar-to" -> {
                if (given.length() <= "similar-to:".length()) {
                    throw new IllegalArgumentException("target '" + given + "' needs a reference: similar-to:REF.png "
                            + "or similar-to:REF.npy");
                }
                yield new TargetSpec(given, Kind.SIMILAR, -1, -1, Double.NaN, List.of(), null,
                        Path.of(given.substring("similar-to:".length())));
            }
            default -> {
                if (!t.matches("-?\\d+")) {
                    throw new IllegalArgumentException("unknown target '" + given + "'; use " + FORMS);
                }
                yield of(t, Kind.CLASS, nonNegative(t, given, "class index"));
            }
        };
    }

    private static TargetSpec region(String given, String[] p) {
        if (p.length > 3) {
            throw new IllegalArgumentException("target '" + given + "' has too many parts; use " + FORMS);
        }
        int channel = p.length > 1 ? nonNegative(p[1], given, "class") : 0;
        if (p.length < 3) {
            return new TargetSpec(given, Kind.REGION, channel, -1, Double.NaN, List.of(), null, null);
        }
        String lower = p[2].toLowerCase(Locale.ROOT);
        if (InputSources.IMAGE_EXTENSIONS.stream().anyMatch(e -> lower.endsWith("." + e))) {
            return new TargetSpec(given, Kind.REGION, channel, -1, Double.NaN, List.of(), null, Path.of(p[2]));
        }
        try {
            return new TargetSpec(given, Kind.REGION, channel, -1, Double.parseDouble(p[2]), List.of(), null, null);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target '" + given + "': '" + p[2] + "' is neither a threshold nor a "
                    + "mask image (" + String.join(", ", InputSources.IMAGE_EXTENSIONS.stream().sorted().toList())
                    + ")");
        }
    }

    private static TargetSpec box(String given, String[] p) {
        requireParts(given, p, 3, 4);
        String[] c = p[1].split(",", -1);
        if (c.length != 4) {
            throw new IllegalArgumentException("target '" + given + "': a box is four corners X1,Y1,X2,Y2, got '"
                    + p[1] + "'");
        }
        double[] v = new double[4];
        for (int i = 0; i < 4; i++) {
            v[i] = number(c[i], given, "corner");
        }
        int label = nonNegative(p[2], given, "label");
        double iou = p.length > 3 ? number(p[3], given, "IoU threshold") : ReferenceBox.DEFAULT_IOU;
        try {
            ReferenceBox r = new ReferenceBox(new Box(v[0], v[1], v[2], v[3]), label, iou);
            return new TargetSpec(given, Kind.BOX, label, -1, Double.NaN, List.of(), r, null);
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new IllegalArgumentException("target '" + given + "': " + e.getMessage());
        }
    }

    private static void requireParts(String given, String[] p, int min, int max) {
        if (p.length < min || p.length > max) {
            throw new IllegalArgumentException("target '" + given + "' has " + p.length + " parts; use " + FORMS);
        }
    }

    private static double number(String s, String text, String what) {
        try {
            return Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target '" + text + "': " + what + " '" + s + "' is not a number");
        }
    }

    private static int nonNegative(String s, String text, String what) {
        try {
            int v = Integer.parseInt(s.strip());
            if (v < 0) {
                throw new NumberFormatException();
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("target '" + text + "': " + what + " '" + s
                    + "' is not an integer >= 0; use " + FORMS);
        }
    }

    @Override
    public String toString() {
        return text;
    }

    /** Parses {@code --target} for picocli (explain and evaluate). */
    static final class Converter implements ITypeConverter<TargetSpec> {
        @Override
        public TargetSpec convert(String value) {
            try {
                return parse(value);
            } catch (IllegalArgumentException | InvalidArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }
}
