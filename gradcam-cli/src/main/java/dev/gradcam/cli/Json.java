package dev.gradcam.cli;

import java.util.Arrays;
import java.util.Collection;
import java.util.Map;

/**
 * Writes maps, lists, strings, numbers, booleans and nulls as indented JSON, enough for the tool's summary file
 * without a JSON library. Map keys are written with {@code toString()}, in the map's order. Stateless.
 */
final class Json {

    private Json() {
    }

    /** The value as JSON text, indented by two spaces, ending without a newline. */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        write(value, sb, 0);
        return sb.toString();
    }

    private static void write(Object v, StringBuilder sb, int indent) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            string(s, sb);
        } else if (v instanceof Boolean b) {
            sb.append(b);
        } else if (v instanceof Double || v instanceof Float) {
            double d = ((Number) v).doubleValue();
            sb.append(Double.isFinite(d) ? number(d) : "null");
        } else if (v instanceof Number n) {
            sb.append(n);
        } else if (v instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : m.entrySet()) {
                pad(sb, indent + 1);
                string(String.valueOf(e.getKey()), sb);
                sb.append(": ");
                write(e.getValue(), sb, indent + 1);
                sb.append(++i < m.size() ? ",\n" : "\n");
            }
            pad(sb, indent);
            sb.append('}');
        } else if (v instanceof Collection<?> c) {
            if (c.isEmpty()) {
                sb.append("[]");
                return;
            }
            boolean flat = c.stream().allMatch(x -> x == null || x instanceof Number || x instanceof Boolean);
            sb.append(flat ? "[" : "[\n");
            int i = 0;
            for (Object x : c) {
                if (!flat) {
                    pad(sb, indent + 1);
                }
                write(x, sb, indent + 1);
                boolean more = ++i < c.size();
                sb.append(flat ? (more ? ", " : "") : (more ? ",\n" : "\n"));
            }
            if (!flat) {
                pad(sb, indent);
            }
            sb.append(']');
        } else if (v instanceof int[] a) {
            write(Arrays.stream(a).boxed().toList(), sb, indent);
        } else if (v instanceof long[] a) {
            write(Arrays.stream(a).boxed().toList(), sb, indent);
        } else if (v instanceof double[] a) {
            write(Arrays.stream(a).boxed().toList(), sb, indent);
        } else {
            string(v.toString(), sb);
        }
    }

    private static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private static void pad(StringBuilder sb, int indent) {
        sb.append("  ".repeat(indent));
    }

    private static void string(String s, StringBuilder sb) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
