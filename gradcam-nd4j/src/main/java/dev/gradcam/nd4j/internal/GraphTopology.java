package dev.gradcam.nd4j.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;

/**
 * Read-only questions about a SameDiff graph's structure: op order, activations, and which placeholders a value
 * depends on. A snapshot: build a new one after changing the graph. Not thread-safe (memoises).
 */
public final class GraphTopology {

    private final SameDiff sd;
    private final List<SameDiffOp> order;
    private final Map<String, Set<String>> placeholderDeps = new HashMap<>();

    public GraphTopology(SameDiff sd) {
        this.sd = sd;
        this.order = sortOps(sd);
    }

    /** Ops such that each comes after the producers of its inputs (Kahn's algorithm, stable in insertion order). */
    public List<SameDiffOp> ops() {
        return order;
    }

    /** Floating-point ARRAY variables (op outputs) in topological order. */
    public List<String> activations() {
        List<String> out = new ArrayList<>();
        for (SameDiffOp op : order) {
            for (String v : outputs(op)) {
                SDVariable var = sd.getVariable(v);
                if (var != null && var.getVariableType() == VariableType.ARRAY && var.dataType().isFPType()) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    /** Names of the floating-point placeholders. */
    public List<String> floatPlaceholders() {
        List<String> out = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.PLACEHOLDER && v.dataType().isFPType()) {
                out.add(v.name());
            }
        }
        return out;
    }

    /** The op producing {@code var}, or null for placeholders, variables and constants. */
    public String producer(String var) {
        Variable v = sd.getVariables().get(var);
        return v == null ? null : v.getOutputOfOp();
    }

    /** Ops that read {@code var}. */
    public List<String> consumers(String var) {
        Variable v = sd.getVariables().get(var);
        return v == null || v.getInputsForOp() == null ? List.of() : v.getInputsForOp();
    }

    /** The placeholders whose values {@code var} depends on. */
    public Set<String> placeholdersOf(String var) {
        Set<String> known = placeholderDeps.get(var);
        if (known != null) {
            return known;
        }
        // Iterative post-order walk: deep graphs would overflow a recursive one.
        Deque<String> stack = new ArrayDeque<>();
        stack.push(var);
        while (!stack.isEmpty()) {
            String v = stack.peek();
            if (placeholderDeps.containsKey(v)) {
                stack.pop();
                continue;
            }
            SDVariable sv = sd.getVariable(v);
            if (sv != null && sv.getVariableType() == VariableType.PLACEHOLDER) {
                placeholderDeps.put(v, Set.of(v));
                stack.pop();
                continue;
            }
            String op = producer(v);
            if (op == null) {
                placeholderDeps.put(v, Set.of());
                stack.pop();
                continue;
            }
            List<String> inputs = inputs(sd.getOps().get(op));
            boolean ready = true;
            for (String in : inputs) {
                if (!placeholderDeps.containsKey(in)) {
                    stack.push(in);
                    ready = false;
                }
            }
            if (ready) {
                Set<String> deps = new LinkedHashSet<>();
                for (String in : inputs) {
                    deps.addAll(placeholderDeps.get(in));
                }
                placeholderDeps.put(v, Collections.unmodifiableSet(deps));
                stack.pop();
            }
        }
        return placeholderDeps.get(var);
    }

    /**
     * Activations computed from {@code input} alone whose consumers compute nothing else from {@code input} alone:
     * the natural outputs of an inference graph, even when the graph also holds a training loss that reads labels.
     */
    public List<String> finalActivations(String input) {
        List<String> out = new ArrayList<>();
        for (String v : activations()) {
            if (!placeholdersOf(v).equals(Set.of(input))) {
                continue;
            }
            boolean extended = false;
            for (String opName : consumers(v)) {
                for (String w : outputs(sd.getOps().get(opName))) {
                    SDVariable wv = sd.getVariable(w);
                    if (wv != null && wv.dataType().isFPType() && placeholdersOf(w).equals(Set.of(input))) {
                        extended = true;
                    }
                }
            }
            if (!extended) {
                out.add(v);
            }
        }
        return out;
    }

    static List<String> inputs(SameDiffOp op) {
        return op == null || op.getInputsToOp() == null ? List.of() : op.getInputsToOp();
    }

    static List<String> outputs(SameDiffOp op) {
        return op == null || op.getOutputsOfOp() == null ? List.of() : op.getOutputsOfOp();
    }

    private static List<SameDiffOp> sortOps(SameDiff sd) {
        Map<String, SameDiffOp> ops = new LinkedHashMap<>(sd.getOps());
        Map<String, Integer> pending = new HashMap<>();
        Map<String, List<String>> dependents = new HashMap<>();
        for (SameDiffOp op : ops.values()) {
            Set<String> producers = new HashSet<>();
            for (String in : inputs(op)) {
                Variable v = sd.getVariables().get(in);
                if (v != null && v.getOutputOfOp() != null && ops.containsKey(v.getOutputOfOp())) {
                    producers.add(v.getOutputOfOp());
                }
            }
            pending.put(op.getName(), producers.size());
            for (String p : producers) {
                dependents.computeIfAbsent(p, k -> new ArrayList<>()).add(op.getName());
            }
        }
        List<SameDiffOp> sorted = new ArrayList<>(ops.size());
        Deque<String> ready = new ArrayDeque<>();
        for (SameDiffOp op : ops.values()) {
            if (pending.get(op.getName()) == 0) {
                ready.add(op.getName());
            }
        }
        while (!ready.isEmpty()) {
            String name = ready.poll();
            sorted.add(ops.get(name));
            for (String d : dependents.getOrDefault(name, List.of())) {
                if (pending.merge(d, -1, Integer::sum) == 0) {
                    ready.add(d);
                }
            }
        }
        if (sorted.size() != ops.size()) {
            // A cycle (control flow such as while loops): fall back on the graph's own order.
            return List.copyOf(ops.values());
        }
        return sorted;
    }
}
