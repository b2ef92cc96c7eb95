package dev.gradcam.cli;

import dev.gradcam.api.Methods;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The methods as the command line shows them: the help section listing both families of {@link Methods} (the one
 * catalogue, which also reads the names) and the completion candidates. Stateless.
 */
final class MethodHelp {

    private MethodHelp() {
    }

    /**
     * The methods for help texts, grouped by family, wrapped at {@code width} columns, each line indented by two
     * spaces.
     */
    static String help(int width) {
        Map<String, List<String>> aliases = Methods.aliases().entrySet().stream()
                .collect(Collectors.groupingBy(Map.Entry::getValue,
                        Collectors.mapping(Map.Entry::getKey, Collectors.toList())));
        List<String> pixel = new ArrayList<>();
        for (String n : Methods.names(Methods.Family.PIXEL_SPACE)) {
            List<String> a = aliases.get(n);
            pixel.add(a == null ? n : n + " (alias" + (a.size() > 1 ? "es " : " ") + String.join(", ", a) + ")");
        }
        StringBuilder sb = new StringBuilder();
        wrap(List.of("Class activation, a map at --layer (--selector and --activation apply):"), "  ", width, sb);
        wrap(commas(Methods.names(Methods.Family.CLASS_ACTIVATION)), "    ", width, sb);
        wrap(List.of("Pixel space, attributions at the input (--steps, --samples, --noise, --seed and --epsilon "
                + "apply; guided-grad-cam also reads --layer):"), "  ", width, sb);
        wrap(commas(pixel), "    ", width, sb);
        return sb.toString();
    }

    private static List<String> commas(List<String> items) {
        List<String> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            out.add(items.get(i) + (i + 1 < items.size() ? "," : ""));
        }
        return out;
    }

    /** Appends the texts' words as lines of at most {@code width} columns (longer words stay whole). */
    private static void wrap(List<String> texts, String indent, int width, StringBuilder sb) {
        StringBuilder line = new StringBuilder(indent);
        for (String text : texts) {
            for (String w : text.split(" ")) {
                if (line.length() > indent.length() && line.length() + 1 + w.length() > width) {
                    sb.append(line).append('\n');
                    line = new StringBuilder(indent);
                }
                if (line.length() > indent.length()) {
                    line.append(' ');
                }
                line.append(w);
            }
        }
        sb.append(line).append('\n');
    }

    /** Every name, for picocli's {@code ${COMPLETION-CANDIDATES}} and shell completion. */
    static final class Candidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Methods.names().iterator();
        }
    }

    /** The class-activation names, for commands that take only those ({@code demo}). */
    static final class CamCandidates implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return Methods.names(Methods.Family.CLASS_ACTIVATION).iterator();
        }
    }
}
