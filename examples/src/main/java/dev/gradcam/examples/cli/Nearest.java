package dev.gradcam.examples.cli;

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
                .filter(k -> distance(q, k.toLowerCase(Locale.ROOT)) <= budget
                        || (!q.isEmpty() && k.toLowerCase(Locale.ROOT).contains(q)))
                .sorted(Comparator.comparingInt((String k) -> distance(q, k.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(limit)
                .toList();
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
