package dev.gradcam.cli;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.cam.FeatureMapSelector;
import dev.gradcam.api.cam.FeatureMapSelectors;
import dev.gradcam.api.cam.Ranking;
import java.util.Locale;
import java.util.Objects;

/**
 * A feature-map selector written on the command line, with the text it came from:
 * {@code all}, {@code positive}, {@code negative}, {@code near-zero:EPS}, {@code window:LO:HI},
 * {@code top-k:K[:RANKING]}, {@code top-fraction:F[:RANKING]}, where RANKING is {@code weight} (default),
 * {@code abs-weight}, {@code energy}, {@code mean-activation} or {@code mean-gradient}.
 *
 * @param text     the specification as given
 * @param selector the selector it denotes
 */
public record SelectorSpec(String text, FeatureMapSelector selector) {

    /** The forms accepted, for help and error messages. */
    public static final String FORMS = "all, positive, negative, near-zero:EPS, window:LO:HI, top-k:K[:RANKING], "
            + "top-fraction:F[:RANKING] (RANKING: weight, abs-weight, energy, mean-activation, mean-gradient)";

    public SelectorSpec {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(selector, "selector");
    }

    /**
     * Parses a specification.
     *
     * @throws IllegalArgumentException naming the bad part and the accepted forms
     */
    public static SelectorSpec parse(String text) {
        Objects.requireNonNull(text, "text");
        try {
            return parseChecked(text);
        } catch (InvalidArgumentException e) {
            // The library's own range check (e.g. a window with low > high): said in terms of the option.
            throw new IllegalArgumentException("selector '" + text + "': " + e.getMessage(), e);
        }
    }

    private static SelectorSpec parseChecked(String text) {
        String[] parts = text.strip().toLowerCase(Locale.ROOT).split(":", -1);
        String kind = parts[0];
        FeatureMapSelector s = switch (kind) {
            case "all" -> {
                arity(parts, 0, 0, text);
                yield FeatureMapSelectors.all();
            }
            case "positive" -> {
                arity(parts, 0, 0, text);
                yield FeatureMapSelectors.positive();
            }
            case "negative" -> {
                arity(parts, 0, 0, text);
                yield FeatureMapSelectors.negative();
            }
            case "near-zero" -> {
                arity(parts, 1, 1, text);
                yield FeatureMapSelectors.nearZero(number(parts[1], text));
            }
            case "window" -> {
                arity(parts, 2, 2, text);
                yield FeatureMapSelectors.weightWindow(number(parts[1], text), number(parts[2], text));
            }
            case "top-k" -> {
                arity(parts, 1, 2, text);
                yield FeatureMapSelectors.topK(integer(parts[1], text), ranking(parts, text));
            }
            case "top-fraction" -> {
                arity(parts, 1, 2, text);
                yield FeatureMapSelectors.topFraction(number(parts[1], text), ranking(parts, text));
            }
            default -> throw new IllegalArgumentException("unknown selector '" + text + "'; use one of: " + FORMS);
        };
        return new SelectorSpec(text.strip(), s);
    }

    private static void arity(String[] parts, int min, int max, String text) {
        int n = parts.length - 1;
        if (n < min || n > max) {
            throw new IllegalArgumentException("selector '" + text + "' has " + n + " parameter" + (n == 1 ? "" : "s")
                    + "; '" + parts[0] + "' takes " + (min == max ? String.valueOf(min) : min + " to " + max)
                    + "; forms: " + FORMS);
        }
    }

    private static double number(String s, String text) {
        try {
            double v = Double.parseDouble(s);
            if (Double.isNaN(v)) {
                throw new NumberFormatException("NaN");
            }
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("selector '" + text + "': '" + s + "' is not a number");
        }
    }

    private static int integer(String s, String text) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("selector '" + text + "': '" + s + "' is not a whole number");
        }
    }

    private static Ranking ranking(String[] parts, String text) {
        if (parts.length < 3) {
            return Ranking.WEIGHT;
        }
        String r = parts[2].replace('-', '_').toUpperCase(Locale.ROOT);
        try {
            return Ranking.valueOf(r);
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new IllegalArgumentException("selector '" + text + "': unknown ranking '" + parts[2]
                    + "'; use weight, abs-weight, energy, mean-activation or mean-gradient");
        }
    }

    @Override
    public String toString() {
        return text;
    }
}
