package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import java.util.List;
import java.util.Locale;

/**
 * A metric by name, as the CLI and {@link Evaluator} take it: {@code road-morf:P}, {@code road-lerf:P} (P a
 * percentile in (0, 100)), {@code road-morf}, {@code road-lerf} (averages over 10..90), {@code road-combined},
 * {@code confidence-change}, {@code drop-in-confidence}, {@code increase-in-confidence}, {@code deletion},
 * {@code insertion}, {@code arcc}, {@code complexity} (ARCC's: mean |map|), {@code coherency},
 * {@code pointing-game}, {@code energy-pointing-game}, {@code sparseness}, {@code infidelity},
 * {@code max-sensitivity}, and also {@code relevance-mass}, {@code relevance-rank} and {@code entropy} (Bhatt et
 * al.'s complexity).
 *
 * @param base       the name without the percentile
 * @param percentile the percentile of {@code road-morf:P} / {@code road-lerf:P}, NaN otherwise
 */
public record MetricName(String base, double percentile) {

    /** Every base name, in the order reports list them. */
    public static final List<String> NAMES = List.of("road-morf", "road-lerf", "road-combined", "confidence-change",
            "drop-in-confidence", "increase-in-confidence", "deletion", "insertion", "arcc", "complexity",
            "coherency", "pointing-game", "energy-pointing-game", "relevance-mass", "relevance-rank", "sparseness",
            "entropy", "infidelity", "max-sensitivity");

    private static final List<String> LOWER_IS_BETTER = List.of("road-morf", "drop-in-confidence", "deletion",
            "complexity", "entropy", "infidelity", "max-sensitivity");

    public MetricName {
        InvalidArgumentException.requireNonNull(base, "base");
    }

    /**
     * Parses a name.
     *
     * @throws InvalidArgumentException naming the accepted names
     */
    public static MetricName parse(String text) {
        String t = InvalidArgumentException.requireNonNull(text, "text").strip().toLowerCase(Locale.ROOT);
        int colon = t.indexOf(':');
        String base = colon < 0 ? t : t.substring(0, colon);
        if (!NAMES.contains(base)) {
            throw new InvalidArgumentException("unknown metric '" + text + "'; known: " + String.join(", ", NAMES)
                    + " (road-morf:P and road-lerf:P take a percentile, e.g. road-morf:80)");
        }
        if (colon < 0) {
            return new MetricName(base, Double.NaN);
        }
        if (!base.equals("road-morf") && !base.equals("road-lerf")) {
            throw new InvalidArgumentException("metric '" + text + "': only road-morf and road-lerf take a "
                    + "percentile");
        }
        double p;
        try {
            p = Double.parseDouble(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new InvalidArgumentException("metric '" + text + "': '" + t.substring(colon + 1)
                    + "' is not a percentile; use a number between 0 and 100, e.g. " + base + ":80");
        }
        if (!(p > 0 && p < 100)) {
            throw new InvalidArgumentException("metric '" + text + "': the percentile must be in (0, 100), got " + p);
        }
        return new MetricName(base, p);
    }

    /** True for {@code road-morf:P} and {@code road-lerf:P}. */
    public boolean hasPercentile() {
        return !Double.isNaN(percentile);
    }

    /** Whether a higher value means a better explanation. */
    public boolean higherIsBetter() {
        return !LOWER_IS_BETTER.contains(base);
    }

    /** True for the metrics that need object masks. */
    public boolean needsMasks() {
        return base.equals("pointing-game") || base.equals("energy-pointing-game") || base.startsWith("relevance-");
    }

    @Override
    public String toString() {
        if (!hasPercentile()) {
            return base;
        }
        return base + ":" + (percentile == Math.rint(percentile) ? Long.toString((long) percentile)
                : Double.toString(percentile));
    }
}
