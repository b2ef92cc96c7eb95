package dev.gradcam.onnx.grad;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.graph.ValueType;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compiles the gradient of a model's output with respect to chosen values (taps) and the input into the model
 * itself: reverse mode over only the nodes on paths from the taps (or the input) to the output, one
 * {@link BackwardRule} per op, contributions of fanned-out values summed, no weight gradients. The result is one
 * ONNX model that runs forward and backward in a single pass. The output may be any value (a layer, too); values
 * after it get zero gradients. In the LRP modes the rules propagate a modified gradient {@code g} and the graph
 * returns relevance {@code t * g_t} at the taps and the input (plus what input-layer-only rules deliver there
 * directly); bias-layer gradients are extra outputs of the same pass. Stateless and thread-safe.
 */
public final class GradientCompiler {

    /**
     * Oldest opset whose operator forms the backward rules emit (Expand arrived at 8, Upsample's scales input at 9);
     * older models are differentiated after conversion ({@link dev.gradcam.onnx.convert.OpsetConverter}).
     */
    public static final int OLDEST_OPSET = 9;

    /** Name of the seed input of a {@link GradientSpec.SeedSource#FED} variant. */
    public static final String SEED_INPUT = "gradcam/seed_in";

    private GradientCompiler() {
    }

    /**
     * Compiles a variant.
     *
     * @param shapes the graph specialised to one input shape ({@link dev.gradcam.onnx.graph.ShapeInference})
     * @throws UnsupportedOperatorException if an op on the gradient path has no rule, naming op, node and the ops
     *     that are supported
     * @throws InvalidInputException        if the output or a tap does not exist or is not a floating tensor
     */
    public static CompiledGraph compile(Shapes shapes, GradientSpec spec) {
        return compile(shapes, spec, true);
    }

    /**
     * As {@link #compile(Shapes, GradientSpec)}, choosing whether backward forms are tuned for ONNX Runtime's CPU
     * provider ({@link BlockedLayout}): they are exact everywhere, but only the CPU provider gains from them.
     */
    public static CompiledGraph compile(Shapes shapes, GradientSpec spec, boolean cpuBlockedLayout) {
        return compile(shapes, spec, cpuBlockedLayout, ROW_SLICING);
    }

    /**
     * Whether {@link RowSlicing} is on ({@code -Dgradcam.rowSlicing=false} turns it off: a diagnostic switch, to
     * time a pass with and without it).
     */
    private static final boolean ROW_SLICING = Boolean.parseBoolean(System.getProperty("gradcam.rowSlicing", "true"));

    /**
     * As {@link #compile(Shapes, GradientSpec, boolean)}, choosing whether row selections move up through per-row
     * operators first ({@link RowSlicing}; plain gradients only): same values, less backward work.
     */
    static CompiledGraph compile(Shapes shapes, GradientSpec spec, boolean cpuBlockedLayout, boolean rowSlicing) {
        if (spec.hessian()) {
            return HessianCompiler.compile(shapes, spec);
        }
        List<String> graphInputs = shapes.graph().inputs().stream().map(ValueInfoProto::getName).toList();
        String input = spec.input() != null ? spec.input() : graphInputs.get(0);
        if (!graphInputs.contains(input)) {
            throw new InvalidInputException("no input named '" + input + "'; the model's inputs are " + graphInputs);
        }
        if (rowSlicing && GradientMode.STANDARD.equals(spec.mode()) && spec.seed() != GradientSpec.SeedSource.NONE) {
            Set<String> keep = new HashSet<>(Backward.sourcesOf(spec, input));
            keep.add(input);
            keep.add(spec.output());
            shapes = RowSlicing.apply(shapes, keep, Backward.sourcesOf(spec, input));
        }
        Graph g = shapes.graph();
        requireFloating(shapes, spec.output(), "output");
        for (String tap : spec.taps()) {
            requireFloating(shapes, tap, "tap");
        }
        for (String layer : spec.biasLayers()) {
            requireFloating(shapes, layer, "bias layer");
        }
        boolean lrp = spec.mode().isLrp();
        if (lrp && spec.seed() != GradientSpec.SeedSource.NONE) {
            LrpRules.checkApplicable(shapes, spec.mode(), input);
        }
        Emitter e = new Emitter(g.opset(), "gradcam/", cpuBlockedLayout);
        ForwardRewrites rewrites = new ForwardRewrites();
        List<ValueInfoProto> inputs = new ArrayList<>();
        // The attributed input first; the others are fed as they are, constants of the backward pass.
        inputs.add(GraphAssembler.valueInfo(input, known(shapes, input)));
        for (String other : graphInputs) {
            if (!other.equals(input)) {
                inputs.add(GraphAssembler.valueInfo(other, known(shapes, other)));
            }
        }
        List<ValueInfoProto> outputs = new ArrayList<>();
        outputs.add(GraphAssembler.valueInfo(spec.output(), known(shapes, spec.output())));
        Map<String, String> acts = new LinkedHashMap<>();
        Map<String, String> grads = new LinkedHashMap<>();
        int k = 0;
        for (String tap : spec.taps()) {
            if (acts.containsKey(tap)) {
                continue;
            }
            String name = "gradcam/act/" + k++;
            e.opInto("Identity", List.of(tap), List.of(name));
            acts.put(tap, name);
            outputs.add(GraphAssembler.valueInfo(name, known(shapes, tap)));
        }
        String inputGradient = null;
        Map<String, String> biasGrads = new LinkedHashMap<>();
        String seedInput = null;
        String seedOutput = null;
        if (spec.seed() != GradientSpec.SeedSource.NONE) {
            ValueType outType = shapes.knownType(spec.output());
            long[] outDims = shapes.dims(spec.output());
            String seed;
            if (spec.seed() == GradientSpec.SeedSource.FED) {
                seed = SEED_INPUT;
                seedInput = SEED_INPUT;
                inputs.add(GraphAssembler.valueInfo(SEED_INPUT, outType));
            } else {
                seed = topClassSeed(e, spec.output(), outDims, outType.elemType());
                seedOutput = "gradcam/seed";
                e.opInto("Identity", List.of(seed), List.of(seedOutput));
                outputs.add(GraphAssembler.valueInfo(seedOutput, outType));
            }
            Backward back = new Backward(shapes, e, rewrites, spec, input, seed);
            back.run();
            int j = 0;
            for (String tap : acts.keySet()) {
                String name = "gradcam/grad/" + j++;
                // In the LRP modes the pass returns relevance, t * g_t, where g is the modified gradient.
                e.opInto("Identity", List.of(lrp ? back.relevance(tap) : back.totalOrZeros(tap)), List.of(name));
                grads.put(tap, name);
                outputs.add(GraphAssembler.valueInfo(name, known(shapes, tap)));
            }
            if (spec.inputGradient()) {
                inputGradient = "gradcam/input_grad";
                String value = lrp ? back.inputRelevance(input) : back.totalOrZeros(input);
                e.opInto("Identity", List.of(value), List.of(inputGradient));
                outputs.add(GraphAssembler.valueInfo(inputGradient, known(shapes, input)));
            }
            int b = 0;
            for (String layer : spec.biasLayers()) {
                if (biasGrads.containsKey(layer)) {
                    continue;
                }
                String name = "gradcam/bias_grad/" + b++;
                e.opInto("Identity", List.of(back.totalOrZeros(layer)), List.of(name));
                biasGrads.put(layer, name);
                outputs.add(GraphAssembler.valueInfo(name, known(shapes, layer)));
            }
        }
        List<NodeProto> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            nodes.add(rewrites.apply(n));
        }
        nodes.addAll(e.nodes());
        List<TensorProto> inits = new ArrayList<>(g.initializers().values());
        inits.addAll(e.initializers());
        var model = GraphAssembler.assemble(g, nodes, inits, inputs, outputs);
        return new CompiledGraph(model, input, seedInput, spec.output(), acts, grads, inputGradient, seedOutput,
                biasGrads);
    }

    /**
     * The inferred type of a value the compiled graph exposes.
     *
     * @throws InvalidInputException if shape inference could not type it (e.g. it comes out of an If or Loop)
     */
    private static ValueType known(Shapes shapes, String value) {
        ValueType t = shapes.type(value);
        if (t != null) {
            return t;
        }
        String why = "";
        try {
            shapes.dims(value);
        } catch (dev.gradcam.api.GradCamException e) { // names the node where shape inference stopped
            why = " (" + e.getMessage() + ")";
        }
        throw new InvalidInputException("cannot infer the type of '" + value + "'" + why + "; explain a tensor "
                + "computed before such nodes as the output (--output, Explainer.Builder.output)");
    }

    private static void requireFloating(Shapes shapes, String value, String role) {
        Graph g = shapes.graph();
        if (g.producer(value) == null && !g.inputs().stream().anyMatch(v -> v.getName().equals(value))) {
            throw new InvalidInputException("no value named '" + value + "' in the model (" + role + ")");
        }
        ValueType t = shapes.type(value);
        if (t != null && t.elemType() != 0 && !t.isFloating()) {
            throw new InvalidInputException("the " + role + " '" + value + "' is a " + t
                    + " tensor; gradients need a floating-point tensor");
        }
    }

    /** One-hot of each row's arg-max, computed in the graph so the default target needs one pass only. */
    private static String topClassSeed(Emitter e, String output, long[] dims, int elemType) {
        if (dims.length != 2) {
            throw new InvalidInputException("the top-class target needs an output of shape [N, classes], got "
                    + java.util.Arrays.toString(dims) + "; use a region target for spatial outputs");
        }
        String idx = e.op("ArgMax", output, Attr.i("axis", 1), Attr.i("keepdims", 0));
        String values = e.reals(new long[] {2}, new double[] {0, 1}, elemType);
        return e.op("OneHot", List.of(idx, e.longs(dims[1]), values), Attr.i("axis", -1));
    }

    /** The reverse sweep of one compilation: the gradient of one output, seeded, with respect to chosen sources. */
    static final class Backward {
        private final Shapes shapes;
        private final Graph graph;
        private final Emitter emitter;
        private final ForwardRewrites rewrites;
        private final GradientMode mode;
        private final String output;
        private final Set<String> sources;
        private final Map<String, BackwardRule> rules;
        private final Set<String> onPath = new HashSet<>();
        private final Map<String, List<String>> contributions = new HashMap<>();
        private final Map<String, String> totals = new HashMap<>();
        private final String input;
        private final List<String> directInputRelevance = new ArrayList<>();

        Backward(Shapes shapes, Emitter emitter, ForwardRewrites rewrites, GradientSpec spec, String input,
                 String seed) {
            this(shapes, emitter, rewrites, spec.mode(), spec.output(), sourcesOf(spec, input), input, seed);
        }

        /**
         * A sweep from {@code output}, whose gradient is {@code seed}, to {@code sources}: any values of the graph
         * (inputs or inner tensors).
         */
        Backward(Shapes shapes, Emitter emitter, ForwardRewrites rewrites, GradientMode mode, String output,
                 Set<String> sources, String input, String seed) {
            this.shapes = shapes;
            this.graph = shapes.graph();
            this.emitter = emitter;
            this.rewrites = rewrites;
            this.mode = mode;
            this.output = output;
            this.sources = new java.util.LinkedHashSet<>(sources);
            this.rules = GradientModes.rules(mode);
            this.input = input;
            markPath(this.sources);
            contributions.computeIfAbsent(output, x -> new ArrayList<>()).add(seed);
        }

        private static Set<String> sourcesOf(GradientSpec spec, String input) {
            Set<String> sources = new java.util.LinkedHashSet<>(spec.taps());
            sources.addAll(spec.biasLayers());
            if (spec.inputGradient()) {
                sources.add(input);
            }
            return sources;
        }

        /** Values that depend on a source through floating edges and that the output depends on. */
        private void markPath(Set<String> sources) {
            Set<String> forward = new HashSet<>(sources);
            for (Node n : graph.nodes()) {
                boolean reached = false;
                for (String in : reads(n)) {
                    reached |= forward.contains(in);
                }
                if (reached) {
                    for (String o : n.outputs()) {
                        if (!o.isEmpty() && shapes.isFloating(o)) {
                            forward.add(o);
                        }
                    }
                }
            }
            Set<String> backward = new HashSet<>();
            backward.add(output);
            List<Node> nodes = graph.nodes();
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                boolean feeds = false;
                for (String o : n.outputs()) {
                    feeds |= backward.contains(o);
                }
                if (feeds) {
                    backward.addAll(reads(n));
                }
            }
            for (String v : forward) {
                if (backward.contains(v)) {
                    onPath.add(v);
                }
            }
        }

        /**
         * The node's inputs and, for control flow (If, Loop, Scan), every value its subgraphs read: a branch that
         * reads a tensor of the enclosing graph puts the node on that tensor's gradient path, so that an If left in
         * the graph fails as a node without a rule instead of cutting the path silently.
         */
        private static List<String> reads(Node n) {
            if (!hasSubgraphs(n)) {
                return n.inputs();
            }
            List<String> all = new ArrayList<>(n.inputs());
            for (var a : n.proto().getAttributeList()) {
                List<dev.gradcam.onnx.proto.Onnx.GraphProto> graphs = new ArrayList<>(a.getGraphsList());
                if (a.hasG()) {
                    graphs.add(a.getG());
                }
                for (var g : graphs) {
                    for (NodeProto inner : g.getNodeList()) {
                        all.addAll(reads(Node.view(inner)));
                    }
                }
            }
            return all;
        }

        private static boolean hasSubgraphs(Node n) {
            return n.proto().getAttributeList().stream().anyMatch(a -> a.hasG() || a.getGraphsCount() > 0);
        }

        /** A tensor on the gradient path that the node reads: what to explain instead when it has no rule. */
        private String tensorBefore(Node n) {
            for (String in : reads(n)) {
                if (onPath.contains(in)) {
                    return in;
                }
            }
            return n.input(0);
        }

        void run() {
            if (!onPath.contains(output)) {
                return;
            }
            List<Node> nodes = graph.nodes();
            for (int i = nodes.size() - 1; i >= 0; i--) {
                Node n = nodes.get(i);
                boolean[] needed = new boolean[n.inputs().size()];
                boolean any = false;
                for (int j = 0; j < needed.length; j++) {
                    needed[j] = n.hasInput(j) && onPath.contains(n.input(j));
                    any |= needed[j];
                }
                // Control flow whose branches read a value on the path: no rule takes it, so apply reports it.
                any |= !any && hasSubgraphs(n) && reads(n).stream().anyMatch(onPath::contains);
                if (!any) {
                    continue;
                }
                String[] outGrads = new String[n.outputs().size()];
                boolean flows = false;
                for (int j = 0; j < outGrads.length; j++) {
                    outGrads[j] = onPath.contains(n.output(j)) ? total(n.output(j)) : null;
                    flows |= outGrads[j] != null;
                }
                if (!flows) {
                    continue;
                }
                apply(n, needed, outGrads);
            }
        }

        private void apply(Node n, boolean[] needed, String[] outGrads) {
            BackwardRule rule = OnnxFormat.isDefaultDomain(n.domain()) ? rules.get(n.opType()) : null;
            if (rule == null && "com.microsoft".equals(n.domain())) {
                throw new UnsupportedOperatorException("com.microsoft." + n.opType(), n.label(), "it is one of ONNX "
                        + "Runtime's fused operators (Attention, SkipLayerNormalization, BiasGelu, FastGelu, ...), "
                        + "which an optimiser wrote into the file and whose gradients are not defined here; it lies "
                        + "on the gradient path to '" + output + "'. Export the model without those "
                        + "optimisations (the plain torch.onnx / tf2onnx export, not the output of onnxruntime's "
                        + "transformer optimizer or a session saved with optimized_model_filepath at "
                        + "extended/all level), so that the graph holds standard ONNX operators");
            }
            if (rule == null) {
                String op = OnnxFormat.isDefaultDomain(n.domain()) ? n.opType() : n.domain() + "." + n.opType();
                throw new UnsupportedOperatorException(op, n.label(), "it lies on the gradient path from "
                        + sourcesText() + " to '" + output + "' and has no backward rule; pick a layer "
                        + "after it, explain a tensor before it as the output (--output, Explainer.Builder.output: "
                        + "e.g. a detector's head before NMS, '" + tensorBefore(n) + "'), or ask for support",
                        BackwardRules.supportedOps());
            }
            BackwardContext ctx = new BackwardContext(n, shapes, emitter, mode, outGrads, needed, rewrites,
                    input, directInputRelevance);
            rule.backward(ctx);
            String[] inGrads = ctx.inputGradients();
            for (int j = 0; j < needed.length; j++) {
                if (!needed[j]) {
                    continue;
                }
                if (inGrads[j] == null && (ctx.deliveredRelevance(j) || ctx.isConstantInput(j))) {
                    continue;
                }
                if (inGrads[j] == null) {
                    throw ctx.unsupported("its backward rule gives no gradient for input " + j + " ('"
                            + n.input(j) + "'), which lies on the gradient path");
                }
                contributions.computeIfAbsent(n.input(j), x -> new ArrayList<>()).add(inGrads[j]);
            }
        }

        private String sourcesText() {
            List<String> s = new ArrayList<>();
            for (String v : sources) {
                s.add(v.equals(input) ? "the input" : v);
            }
            return s.toString();
        }

        /** The summed gradient of a value, or null if none reaches it. */
        String total(String value) {
            String t = totals.get(value);
            if (t != null) {
                return t;
            }
            List<String> parts = contributions.get(value);
            if (parts == null || parts.isEmpty()) {
                return null;
            }
            t = emitter.sum(parts);
            totals.put(value, t);
            return t;
        }

        /** LRP relevance at a value: the value times its modified gradient, zeros where none reaches it. */
        String relevance(String value) {
            String t = total(value);
            return t == null ? zeros(value) : emitter.mul(value, t);
        }

        /**
         * LRP relevance at the model input: the input times its modified gradient, plus the relevance that
         * input-layer-only rules delivered directly.
         */
        String inputRelevance(String value) {
            List<String> parts = new ArrayList<>(directInputRelevance);
            String t = total(value);
            if (t != null) {
                parts.add(0, emitter.mul(value, t));
            }
            return parts.isEmpty() ? zeros(value) : emitter.sum(parts);
        }

        private String zeros(String value) {
            return emitter.zeros(shapes.dims(value), Emitter.floatType(shapes.type(value).elemType()));
        }

        /** The summed gradient of a value, zeros where none reaches it. */
        String totalOrZeros(String value) {
            String t = total(value);
            return t != null ? t : zeros(value);
        }
    }
}
