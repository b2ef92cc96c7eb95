package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.EinsumEquation;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Backward rule of Einsum (the attention contractions exporters write, e.g. {@code bhid,bhjd->bhij}). The gradient
 * of operand i is an Einsum of the output gradient with the other operands onto operand i's subscripts; letters that
 * only operand i has (summed over in the forward pass) are broadcast back with Expand. Repeated letters within one
 * operand (diagonals) and ellipsis dims that broadcast are not supported.
 */
final class EinsumRule {

    private EinsumRule() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("Einsum", EinsumRule::einsum);
    }

    static void einsum(BackwardContext c) {
        int n = c.node().inputs().size();
        int[] ranks = new int[n];
        List<long[]> dims = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            dims.add(c.dims(c.input(i)));
            ranks[i] = dims.get(i).length;
        }
        EinsumEquation eq;
        try {
            eq = EinsumEquation.parse(c.node().attrString("equation", ""), ranks);
        } catch (IllegalArgumentException e) {
            throw c.unsupported(e.getMessage());
        }
        Map<Character, Long> size = eq.sizes(dims);
        for (int i = 0; i < n; i++) {
            String o = eq.operands().get(i);
            for (int j = 0; j < o.length(); j++) {
                if (o.indexOf(o.charAt(j)) != j) {
                    throw c.unsupported("the equation '" + c.node().attrString("equation", "") + "' repeats '"
                            + o.charAt(j) + "' within an operand (a diagonal); gradients flow through plain "
                            + "contractions only");
                }
                if (dims.get(i)[j] != size.get(o.charAt(j))) {
                    throw c.unsupported("operand " + i + " broadcasts dim '" + o.charAt(j) + "' ("
                            + dims.get(i)[j] + " against " + size.get(o.charAt(j)) + "); export without broadcasting");
                }
            }
        }
        Emitter e = c.emit();
        for (int i = 0; i < n; i++) {
            if (!c.needsGradient(i)) {
                continue;
            }
            String target = eq.operands().get(i);
            StringBuilder seen = new StringBuilder(eq.output());
            List<String> subs = new ArrayList<>(List.of(eq.output()));
            List<String> ins = new ArrayList<>(List.of(c.gradient()));
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    subs.add(eq.operands().get(j));
                    ins.add(c.input(j));
                    seen.append(eq.operands().get(j));
                }
            }
            StringBuilder kept = new StringBuilder();
            long[] keptDims = new long[target.length()];
            for (int j = 0; j < target.length(); j++) {
                boolean elsewhere = seen.indexOf(String.valueOf(target.charAt(j))) >= 0;
                if (elsewhere) {
                    kept.append(target.charAt(j));
                }
                keptDims[j] = elsewhere ? dims.get(i)[j] : 1;
            }
            String g = e.op("Einsum", ins, Attr.s("equation", EinsumEquation.of(subs, kept.toString())));
            if (kept.length() < target.length()) {
                g = e.expand(e.reshape(g, keptDims), dims.get(i));
            }
            c.addGradient(i, g);
        }
    }
}
