package dev.gradcam.api.io;

import dev.gradcam.api.ModelLoadException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The dictionary in a {@code .npy} header: type string, Fortran flag and shape; parsed from and formatted to the
 * Python literal NumPy writes, like {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}.
 *
 * <p>The parser accepts what NumPy and other writers produce: keys in any order, single or double quotes, tuples or
 * lists, trailing commas, Python 2 long suffixes ({@code 3L}). Immutable.
 */
final class NpyHeader {

    /** NumPy pads the first axis of the shape to this many digits' room, so files can grow in place. */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    private final Object descr;
    private final boolean fortranOrder;
    private final long[] shape;

    private NpyHeader(Object descr, boolean fortranOrder, long[] shape) {
        this.descr = descr;
        this.fortranOrder = fortranOrder;
        this.shape = shape;
    }

    /** The {@code descr} value: a type string like {@code <f4}, or a list for structured types. */
    Object descr() {
        return descr;
    }

    boolean fortranOrder() {
        return fortranOrder;
    }

    long[] shape() {
        return shape.clone();
    }

    /**
     * Parses the header text.
     *
     * @throws ModelLoadException if the text is not a dictionary with the three keys NumPy writes
     */
    static NpyHeader parse(String text, String source) {
        Object value;
        try {
            Parser p = new Parser(text);
            value = p.value();
            p.skipSpace();
            if (!p.atEnd()) {
                throw p.error("unexpected text after the dictionary");
            }
        } catch (IllegalArgumentException e) {
            throw new ModelLoadException("bad .npy header in " + source + ": " + e.getMessage()
                    + "; expected a dictionary like {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }");
        }
        if (!(value instanceof Map<?, ?> dict)) {
            throw new ModelLoadException("bad .npy header in " + source + ": not a dictionary: " + text.strip());
        }
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw new ModelLoadException("bad .npy header in " + source + ": no '" + key + "' key in "
                        + text.strip());
            }
        }
        Object fortran = dict.get("fortran_order");
        if (!(fortran instanceof Boolean)) {
            throw new ModelLoadException("bad .npy header in " + source
                    + ": 'fortran_order' must be True or False, got " + fortran);
        }
        Object shapeValue = dict.get("shape");
        if (!(shapeValue instanceof List<?> dims)) {
            throw new ModelLoadException("bad .npy header in " + source + ": 'shape' must be a tuple of integers, got "
                    + shapeValue);
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d) || d < 0) {
                throw new ModelLoadException("bad .npy header in " + source
                        + ": 'shape' must hold non-negative integers, got " + shapeValue);
            }
            shape[i] = d;
        }
        return new NpyHeader(dict.get("descr"), (Boolean) fortran, shape);
    }

    /**
     * The header dictionary NumPy writes for a little-endian float32 C-order array of this shape, including its
     * growth padding but not the final alignment padding and newline.
     */
    static String formatFloat32(long[] shape) {
        StringBuilder sb = new StringBuilder("{'descr': '<f4', 'fortran_order': False, 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(shape[i]);
        }
        if (shape.length == 1) {
            sb.append(',');
        }
        sb.append("), }");
        if (shape.length > 0) {
            // numpy >= 1.23 (format.py, _write_array_header): room for the growth axis (the first, in C order).
            sb.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Long.toString(shape[0]).length()));
        }
        return sb.toString();
    }

    /** A small recursive-descent reader for the Python literals found in headers. */
    private static final class Parser {
        private final String s;
        private int pos;

        Parser(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        void skipSpace() {
            while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
                pos++;
            }
        }

        IllegalArgumentException error(String what) {
            return new IllegalArgumentException(what + " at character " + pos);
        }

        Object value() {
            skipSpace();
            if (atEnd()) {
                throw error("unexpected end of header");
            }
            char c = s.charAt(pos);
            if (c == '{') {
                return dict();
            }
            if (c == '(' || c == '[') {
                return sequence(c == '(' ? ')' : ']');
            }
            if (c == '\'' || c == '"') {
                return string(c);
            }
            if (c == '-' || Character.isDigit(c)) {
                return number();
            }
            if (Character.isLetter(c)) {
                int start = pos;
                while (pos < s.length() && Character.isLetterOrDigit(s.charAt(pos))) {
                    pos++;
                }
                String word = s.substring(start, pos);
                return switch (word) {
                    case "True" -> Boolean.TRUE;
                    case "False" -> Boolean.FALSE;
                    case "None" -> "None";
                    default -> throw error("unknown name '" + word + "'");
                };
            }
            throw error("unexpected '" + c + "'");
        }

        private Map<String, Object> dict() {
            pos++; // {
            Map<String, Object> map = new HashMap<>();
            while (true) {
                skipSpace();
                if (peek('}')) {
                    pos++;
                    return map;
                }
                Object key = value();
                if (!(key instanceof String k)) {
                    throw error("dictionary key must be a string");
                }
                skipSpace();
                expect(':');
                map.put(k, value());
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else if (!peek('}')) {
                    throw error("expected ',' or '}'");
                }
            }
        }

        private List<Object> sequence(char close) {
            pos++; // ( or [
            List<Object> items = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek(close)) {
                    pos++;
                    return items;
                }
                items.add(value());
                skipSpace();
                if (peek(',')) {
                    pos++;
                } else if (!peek(close)) {
                    throw error("expected ',' or '" + close + "'");
                }
            }
        }

        private String string(char quote) {
            pos++;
            StringBuilder sb = new StringBuilder();
            while (pos < s.length() && s.charAt(pos) != quote) {
                char c = s.charAt(pos++);
                if (c == '\\' && pos < s.length()) {
                    c = s.charAt(pos++);
                }
                sb.append(c);
            }
            if (atEnd()) {
                throw error("unterminated string");
            }
            pos++;
            return sb.toString();
        }

        private Long number() {
            int start = pos;
            if (peek('-')) {
                pos++;
            }
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
                pos++;
            }
            String digits = s.substring(start, pos);
            if (peek('L') || peek('l')) {
                pos++; // Python 2 long suffix
            }
            try {
                return Long.parseLong(digits);
            } catch (NumberFormatException e) {
                throw error("bad integer '" + digits + "'");
            }
        }

        private boolean peek(char c) {
            return pos < s.length() && s.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }
    }
}
