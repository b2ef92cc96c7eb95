package dev.gradcam.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Makes output names safe, unique and deterministic. A file whose stem no other input shares keeps its stem
 * ({@code dog.jpg -> dog}); inputs sharing a stem keep their extension visible ({@code cat.jpg -> cat-jpg},
 * {@code cat.png -> cat-png}); and any name still taken, by another input's stem or an earlier name, gets a number
 * ({@code -2}, {@code -3} ...). So {@code cat.jpg}, {@code cat.png} and {@code cat-2.png} give {@code cat-jpg},
 * {@code cat-png} and {@code cat-2}: no output overwrites another.
 */
final class OutputNames {

    private OutputNames() {
    }

    /** Output names for inputs named {@code names} (file names, with or without an extension), in order. */
    static List<String> unique(List<String> names) {
        List<String> stems = new ArrayList<>(names.size());
        List<String> extensions = new ArrayList<>(names.size());
        Map<String, Integer> count = new HashMap<>();
        for (String n : names) {
            int dot = n.lastIndexOf('.');
            String stem = safe(dot > 0 ? n.substring(0, dot) : n);
            stems.add(stem);
            extensions.add(dot > 0 ? safe(n.substring(dot + 1)).toLowerCase(Locale.ROOT) : "");
            count.merge(stem, 1, Integer::sum);
        }
        // Stems used once are claimed by their own input: another input's numbered name must not take them.
        Set<String> claimed = new HashSet<>();
        count.forEach((stem, c) -> {
            if (c == 1) {
                claimed.add(stem);
            }
        });
        Set<String> taken = new HashSet<>();
        List<String> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            String stem = stems.get(i);
            boolean own = count.get(stem) == 1;
            String base = own || extensions.get(i).isEmpty() ? stem : stem + "-" + extensions.get(i);
            String name = base;
            for (int k = 2; taken.contains(name) || (!(own && name.equals(stem)) && claimed.contains(name)); k++) {
                name = base + "-" + k;
            }
            taken.add(name);
            out.add(name);
        }
        return out;
    }

    private static String safe(String s) {
        String safe = s.replaceAll("[^A-Za-z0-9._-]", "_");
        return safe.isEmpty() ? "image" : safe;
    }
}
