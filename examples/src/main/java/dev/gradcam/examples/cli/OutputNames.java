package dev.gradcam.examples.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Makes output file names safe and unique: {@code cat.png} and {@code cat.jpg} become {@code cat} and {@code cat-2}. */
final class OutputNames {

    private OutputNames() {
    }

    /** The names with unsafe characters replaced by {@code _} and repeats numbered. */
    static List<String> unique(List<String> names) {
        Map<String, Integer> seen = new HashMap<>();
        List<String> out = new ArrayList<>(names.size());
        for (String n : names) {
            String safe = n.replaceAll("[^A-Za-z0-9._-]", "_");
            if (safe.isEmpty()) {
                safe = "image";
            }
            int count = seen.merge(safe, 1, Integer::sum);
            out.add(count == 1 ? safe : safe + "-" + count);
        }
        return out;
    }
}
