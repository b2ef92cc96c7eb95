package dev.gradcam.onnx.graph;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.List;
import java.util.Map;

/**
 * Infers element types and dimensions of every value of a {@link Graph} for given input dims, folding the integer
 * shape arithmetic that exporters emit ({@code Shape -> Gather -> Concat -> Reshape}) so that later passes see
 * concrete shapes. With fully known input dims this specialises the graph to one input shape; with -1 entries it
 * gives what is known for a dynamic input. Ops it does not know leave their outputs unknown (noted in
 * {@link Shapes#problems()}); nothing fails until a caller needs such a shape, and then with a
 * {@link ShapeInferenceException} naming the node where inference stopped. Stateless and thread-safe.
 */
public final class ShapeInference {

    private ShapeInference() {
    }

    /** Sizes the probes put in for a dynamic batch dim: two, different, and neither 1 (which broadcasts). */
    private static final long[] BATCH_PROBES = {2, 3};
    /** Sizes the probes put in for other dynamic dims. */
    private static final long[] SIZE_PROBES = {224, 256};

    /**
     * Infers shapes at the inputs' declared dims, -1 where the model leaves them open. Shape arithmetic needs
     * numbers, so a symbolic dim (the batch, typically) would stop value propagation at the first
     * {@code Shape -> Gather -> Concat -> Reshape} chain: the graph is also inferred at two made-up sizes for the open
     * dims, and every dim on which both agree is fixed (a transformer's token and channel counts), the others stay
     * dynamic. Where the made-up sizes do not fit the model, the open inference alone stands.
     */
    public static Shapes inferDeclared(Graph graph) {
        // Without inlining: the declared view lists the model's own graph (compiles use infer, which inlines).
        Shapes open = inferOnce(graph, Map.of());
        Map<String, long[]> first = probes(graph, 0);
        if (first.isEmpty()) {
            return open;
        }
        try {
            return Shapes.merge(open, inferOnce(graph, first), inferOnce(graph, probes(graph, 1)));
        } catch (InvalidInputException e) {
            return open;
        }
    }

    private static Map<String, long[]> probes(Graph graph, int which) {
        Map<String, long[]> out = new java.util.HashMap<>();
        for (ValueInfoProto in : graph.inputs()) {
            ValueType t = Graph.typeOf(in);
            if (!t.hasRank() || t.isStatic()) {
                continue;
            }
            long[] d = t.dims();
            for (int i = 0; i < d.length; i++) {
                if (d[i] < 0) {
                    d[i] = i == 0 ? BATCH_PROBES[which] : SIZE_PROBES[which];
                }
            }
            out.put(in.getName(), d);
        }
        return out;
    }

    /**
     * Infers shapes with the given input dims (inputs not named keep their declared dims). Ifs whose condition these
     * dims fix are inlined ({@link IfInliner}), for-loops whose trip count they fix unrolled ({@link LoopUnroller}):
     * the result's {@link Shapes#graph()} is then a new graph, which the
     * gradient compiler differentiates in place of the model's.
     *
     * @throws InvalidInputException if a given shape does not fit the input's declared rank or fixed sizes
     */
    public static Shapes infer(Graph graph, Map<String, long[]> inputDims) {
        return infer(graph, inputDims, Map.of());
    }

    /**
     * As {@link #infer(Graph, Map)}, with the types of values whose dims depend on the data (after NonZero,
     * NonMaxSuppression, a data-dependent If) as one run of the model gave them: they stand where the rules leave dims
     * open, and what follows them is inferred from them. The result holds for inputs that give those same dims.
     */
    public static Shapes infer(Graph graph, Map<String, long[]> inputDims, Map<String, ValueType> observed) {
        InvalidArgumentException.requireNonNull(graph, "graph");
        InvalidArgumentException.requireNonNull(observed, "observed");
        Shapes s = inferOnce(graph, inputDims, observed);
        // An If whose condition these shapes fix is replaced by its branch (IfInliner), a for-loop whose trip count
        // they fix is unrolled (LoopUnroller); the result is inferred again, since the copies may fix further
        // conditions. The returned shapes describe the rewritten graph.
        for (int round = 0; round < MAX_INLINING_ROUNDS; round++) {
            Graph inlined = IfInliner.inline(s.graph(), s);
            if (inlined == null) {
                inlined = LoopUnroller.unroll(s.graph(), s);
            }
            if (inlined == null) {
                break;
            }
            s = inferOnce(inlined, inputDims, observed);
        }
        return s;
    }

    /** Nested Ifs need a round each; exporters nest them a few deep at most. */
    private static final int MAX_INLINING_ROUNDS = 8;

    private static Shapes inferOnce(Graph graph, Map<String, long[]> inputDims) {
        return inferOnce(graph, inputDims, Map.of());
    }

    private static Shapes inferOnce(Graph graph, Map<String, long[]> inputDims, Map<String, ValueType> observed) {
        Shapes s = new Shapes(graph);
        for (ValueInfoProto in : graph.inputs()) {
            ValueType declared = Graph.typeOf(in);
            long[] given = inputDims.get(in.getName());
            if (given != null) {
                checkFits(in.getName(), declared, given);
                s.put(in.getName(), ValueType.of(Shapes.floatTypeOr(declared.elemType()), given));
            } else {
                s.put(in.getName(), declared);
            }
        }
        for (Node n : graph.nodes()) {
            inferNode(s, n);
            for (String o : n.outputs()) {
                ValueType seen = o.isEmpty() ? null : observed.get(o);
                ValueType t = seen == null ? null : s.type(o);
                if (seen != null && (t == null || !t.hasRank() || !t.isStatic())) {
                    // The rules' element type where they know it; the run's dims.
                    s.put(o, t == null || t.elemType() == ElementType.UNDEFINED ? seen
                            : ValueType.of(t.elemType(), seen.dims()));
                }
            }
        }
        return s;
    }

    private static void inferNode(Shapes s, Node n) {
        try {
            if (n.opType().equals("Constant") && n.attrTensor("value") != null) {
                s.putConstantTensor(n.output(0), n.attrTensor("value"));
                return;
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty() && s.type(in) == null) {
                    // Unknown stays unknown downstream; the node where it started is the one to report.
                    return;
                }
            }
            ConstValue c = ConstantFolder.fold(n, s);
            if (c != null) {
                s.putConstant(n.output(0), c);
                return;
            }
            ConstValue[] parts = ConstantFolder.split(n, s);
            if (parts != null) {
                for (int i = 0; i < parts.length; i++) {
                    if (!n.output(i).isEmpty()) {
                        s.putConstant(n.output(i), parts[i]);
                    }
                }
                return;
            }
            List<ValueType> out = ShapeRules.infer(n, s);
            for (int i = 0; i < n.outputs().size() && i < out.size(); i++) {
                String name = n.output(i);
                ValueType t = out.get(i);
                if (name.isEmpty() || t == null) {
                    continue;
                }
                if (t.hasRank() && java.util.Arrays.stream(t.dims()).anyMatch(d -> d < -1)) {
                    // Attributes that make an output negative in size: left unknown, reported.
                    s.problem(n, "output '" + name + "' would have dims " + Shapes.dims(t.dims())
                            + "; check the node's attributes against its input shapes");
                    continue;
                }
                s.put(name, t);
            }
            if (out.isEmpty()) {
                s.problem(n, "no shape rule for " + n.opType() + ("com.microsoft".equals(n.domain())
                        ? " (one of ONNX Runtime's fused operators: export the model without those optimisations, "
                        + "so that it holds standard ONNX operators)" : ""));
            }
        } catch (RuntimeException e) {
            s.problem(n, e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static void checkFits(String name, ValueType declared, long[] given) {
        if (!declared.hasRank()) {
            return;
        }
        long[] d = declared.dims();
        boolean ok = d.length == given.length;
        for (int i = 0; ok && i < d.length; i++) {
            ok = given[i] > 0 && (d[i] < 0 || d[i] == given[i]);
        }
        if (!ok) {
            throw new InvalidInputException("input '" + name + "' expects shape " + declared.toShape() + " ("
                    + ElementType.name(declared.elemType()) + "), given " + Shapes.dims(given));
        }
    }
}
