package dev.gradcam.cli;

import dev.gradcam.api.layer.EditDistance;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Picks the known names closest to a misspelt one, by edit distance, for "did you mean" messages. Stateless. */
final class Nearest {

    private Nearest() {
    }

    /** Up to {@code limit} names within a small edit distance of {@code query} (or containing it), closest first. */
    static List<String> names(String query, List<String> known, int limit) {
        String q = query.toLowerCase(Locale.ROOT);
        int budget = Math.max(2, q.length() / 3);
        return known.stream()
                .filter(k -> EditDistance.levenshtein(q, k.toLowerCase(Locale.ROOT)) <= budget
                        || (!q.isEmpty() && k.toLowerCase(Locale.ROOT).contains(q)))
                .sorted(Comparator.comparingInt((String k) -> EditDistance.levenshtein(q, k.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(limit)
                .toList();
    }
}
