package dev.gradcam.api.layer;

import dev.gradcam.api.InvalidArgumentException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Levenshtein edit distance, the measure behind "nearest: ..." hints for misspelt layer, method and option names.
 * Stateless and thread-safe.
 */
public final class EditDistance {

    private EditDistance() {
    }

    /**
     * The fewest single-character insertions, deletions and substitutions that turn {@code a} into {@code b}
     * (case-sensitive; lower-case both first for a case-insensitive distance).
     *
     * @throws dev.gradcam.api.InvalidArgumentException if either string is null
     */
    public static int levenshtein(String a, String b) {
        InvalidArgumentException.requireNonNull(a, "a");
        InvalidArgumentException.requireNonNull(b, "b");
        // Two rolling rows of the dynamic-programming table: memory grows with b only.
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

    /**
     * Up to {@code limit} of the {@code known} names within a small edit distance of {@code query} (a third of its
     * length, at least 2) or containing it, closest first, case ignored: the "nearest: ..." of an error message.
     */
    public static List<String> nearest(String query, Collection<String> known, int limit) {
        InvalidArgumentException.requireNonNull(known, "known");
        String q = InvalidArgumentException.requireNonNull(query, "query").toLowerCase(Locale.ROOT);
        int budget = Math.max(2, q.length() / 3);
        return known.stream()
                .filter(k -> levenshtein(q, k.toLowerCase(Locale.ROOT)) <= budget
                        || (!q.isEmpty() && k.toLowerCase(Locale.ROOT).contains(q)))
                .sorted(Comparator.comparingInt((String k) -> levenshtein(q, k.toLowerCase(Locale.ROOT)))
                        .thenComparing(Comparator.naturalOrder()))
                .limit(limit)
                .toList();
    }
}
