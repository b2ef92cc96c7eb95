package dev.gradcam.onnx.graph;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.TensorShapeProto;
import dev.gradcam.onnx.proto.Onnx.TypeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The main graph of an ONNX model as an IR: nodes in topological order, initializers, the real inputs (graph inputs
 * that are not initializers), outputs, and who produces and consumes each value. Immutable and thread-safe; built
 * once per model.
 */
public final class Graph {

    private final ModelProto model;
    private final int opset;
    private final List<Node> nodes;
    private final Map<String, TensorProto> initializers;
    private final List<ValueInfoProto> inputs;
    private final List<ValueInfoProto> outputs;
    private final Map<String, Node> producers = new HashMap<>();
    private final Map<String, List<Node>> consumers = new HashMap<>();

    private Graph(ModelProto model) {
        this.model = model;
        this.opset = OnnxFormat.opset(model);
        GraphProto g = model.getGraph();
        Map<String, TensorProto> inits = new LinkedHashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            inits.put(t.getName(), t);
        }
        this.initializers = Collections.unmodifiableMap(inits);
        List<ValueInfoProto> ins = new ArrayList<>();
        for (ValueInfoProto v : g.getInputList()) {
            if (!inits.containsKey(v.getName())) {
                ins.add(v);
            }
        }
        this.inputs = List.copyOf(ins);
        this.outputs = List.copyOf(g.getOutputList());
        this.nodes = topologicalOrder(g, inits.keySet(), ins);
        for (Node n : nodes) {
            for (String o : n.outputs()) {
                if (!o.isEmpty()) {
                    producers.put(o, n);
                }
            }
            for (String i : n.inputs()) {
                if (!i.isEmpty()) {
                    consumers.computeIfAbsent(i, k -> new ArrayList<>()).add(n);
                }
            }
        }
    }

    /**
     * Builds the IR of a model's main graph.
     *
     * @throws ModelLoadException if the graph has a cycle or a node reads a value nothing produces
     */
    public static Graph of(ModelProto model) {
        InvalidArgumentException.requireNonNull(model, "model");
        return new Graph(model);
    }

    /** The model this graph was built from. */
    public ModelProto model() {
        return model;
    }

    /** The default-domain opset version. */
    public int opset() {
        return opset;
    }

    /** Nodes in topological order. */
    public List<Node> nodes() {
        return nodes;
    }

    /** Initializers by name. */
    public Map<String, TensorProto> initializers() {
        return initializers;
    }

    public boolean isInitializer(String name) {
        return initializers.containsKey(name);
    }

    /** Graph inputs that are not initializers: what callers feed. */
    public List<ValueInfoProto> inputs() {
        return inputs;
    }

    /** Graph outputs. */
    public List<ValueInfoProto> outputs() {
        return outputs;
    }

    /** The node producing {@code value}, or null for graph inputs, initializers and unknown names. */
    public Node producer(String value) {
        return producers.get(value);
    }

    /** Nodes reading {@code value}, in topological order. */
    public List<Node> consumers(String value) {
        return consumers.getOrDefault(value, List.of());
    }

    /** The declared type of a value info; dims without a value are -1 (symbolic or missing). */
    public static ValueType typeOf(ValueInfoProto v) {
        if (!v.hasType() || !v.getType().hasTensorType()) {
            return ValueType.unknownShape(ElementType.UNDEFINED);
        }
        TypeProto.Tensor t = v.getType().getTensorType();
        if (!t.hasShape()) {
            return ValueType.unknownShape(t.getElemType());
        }
        TensorShapeProto s = t.getShape();
        long[] dims = new long[s.getDimCount()];
        for (int i = 0; i < dims.length; i++) {
            TensorShapeProto.Dimension d = s.getDim(i);
            dims[i] = d.hasDimValue() && d.getDimValue() >= 0 ? d.getDimValue() : -1;
        }
        return ValueType.of(t.getElemType(), dims);
    }

    private static List<Node> topologicalOrder(GraphProto g, Set<String> inits, List<ValueInfoProto> ins) {
        // Files are topologically sorted by the ONNX rules, but not every exporter obeys: sort (Kahn), keeping the
        // stored order among ready nodes so that names and layer listings stay stable.
        Set<String> available = new HashSet<>(inits);
        for (ValueInfoProto v : ins) {
            available.add(v.getName());
        }
        int n = g.getNodeCount();
        Map<String, Integer> producerIndex = new HashMap<>();
        for (int i = 0; i < n; i++) {
            for (String o : g.getNode(i).getOutputList()) {
                if (!o.isEmpty()) {
                    producerIndex.put(o, i);
                }
            }
        }
        int[] pending = new int[n];
        List<List<Integer>> dependents = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            dependents.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            NodeProto node = g.getNode(i);
            for (String in : node.getInputList()) {
                if (in.isEmpty() || available.contains(in)) {
                    continue;
                }
                Integer p = producerIndex.get(in);
                if (p == null) {
                    throw new ModelLoadException("node " + node.getOpType() + " '" + node.getName() + "' reads '" + in
                            + "', which no node, graph input or initializer provides");
                }
                pending[i]++;
                dependents.get(p).add(i);
            }
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(new Node(g.getNode(i), order.size()));
            for (int d : dependents.get(i)) {
                if (--pending[d] == 0) {
                    ready.add(d);
                }
            }
        }
        if (order.size() != n) {
            Deque<String> stuck = new ArrayDeque<>();
            for (int i = 0; i < n && stuck.size() < 5; i++) {
                if (pending[i] > 0) {
                    stuck.add(g.getNode(i).getOpType() + " '" + g.getNode(i).getName() + "'");
                }
            }
            throw new ModelLoadException("the graph has a cycle; nodes that never become ready include " + stuck);
        }
        return List.copyOf(order);
    }
}
