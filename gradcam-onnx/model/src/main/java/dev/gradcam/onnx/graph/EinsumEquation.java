package dev.gradcam.onnx.graph;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An Einsum equation with its ellipses spelled out for given operand ranks: one subscript string per operand and
 * the output's (implicit outputs as numpy: the letters used once, sorted, after the ellipsis dims). Capital letters
 * stand for ellipsis dims. Immutable.
 */
public final class EinsumEquation {

    private final List<String> operands;
    private final String output;

    private EinsumEquation(List<String> operands, String output) {
        this.operands = List.copyOf(operands);
        this.output = output;
    }

    /**
     * Parses {@code equation} for operands of the given ranks.
     *
     * @throws IllegalArgumentException if it does not fit the ranks
     */
    public static EinsumEquation parse(String equation, int[] ranks) {
        String eq = equation.replace(" ", "");
        int arrow = eq.indexOf("->");
        String lhs = arrow < 0 ? eq : eq.substring(0, arrow);
        String[] terms = lhs.split(",", -1);
        if (terms.length != ranks.length) {
            throw new IllegalArgumentException("equation '" + equation + "' has " + terms.length + " operands, the "
                    + "node " + ranks.length);
        }
        int ellipsis = 0;
        List<String> ops = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            String t = terms[i];
            int explicit = t.replace("...", "").length();
            int e = t.contains("...") ? ranks[i] - explicit : 0;
            if (e < 0 || !t.contains("...") && explicit != ranks[i]) {
                throw new IllegalArgumentException("operand " + i + " of '" + equation + "' has rank " + ranks[i]);
            }
            ellipsis = Math.max(ellipsis, e);
            ops.add(t.replace("...", ellipsisLetters(e)));
        }
        String out;
        if (arrow >= 0) {
            out = eq.substring(arrow + 2).replace("...", ellipsisLetters(ellipsis));
        } else {
            Map<Character, Integer> count = new HashMap<>();
            for (String o : ops) {
                for (char ch : o.toCharArray()) {
                    count.merge(ch, 1, Integer::sum);
                }
            }
            StringBuilder sb = new StringBuilder(ellipsisLetters(ellipsis));
            count.keySet().stream().filter(ch -> Character.isLowerCase(ch) && count.get(ch) == 1).sorted()
                    .forEach(sb::append);
            out = sb.toString();
        }
        return new EinsumEquation(ops, out);
    }

    /** Ellipsis dims as capitals, right-aligned as numpy broadcasts them (the last ones shared). */
    private static String ellipsisLetters(int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = count; i > 0; i--) {
            sb.append((char) ('Z' - i + 1));
        }
        return sb.toString();
    }

    public List<String> operands() {
        return operands;
    }

    public String output() {
        return output;
    }

    /** The equation as ONNX writes it, e.g. {@code ij,jk->ik}. */
    public static String of(List<String> operands, String output) {
        return String.join(",", operands) + "->" + output;
    }

    /** Each letter's size (from operand dims; a size-1 dim gives way to a larger one); -1 unknown. */
    public Map<Character, Long> sizes(List<long[]> dims) {
        Map<Character, Long> size = new HashMap<>();
        for (int i = 0; i < operands.size(); i++) {
            String o = operands.get(i);
            long[] d = dims.get(i);
            for (int j = 0; j < o.length(); j++) {
                long v = d == null ? -1 : d[j];
                size.merge(o.charAt(j), v, (a, b) -> a == 1 || a < 0 ? b : a);
            }
        }
        return size;
    }
}
