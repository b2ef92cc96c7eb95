package dev.gradcam.onnx.grad;

import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Second order: compiles the backward of a backward graph. The first-order graph (forward and backward of the
 * seeded scalar {@code T}) is itself a graph, so the same reverse sweep and rules differentiate, per tap {@code A},
 * the scalar {@code g(A) . v} with {@code g = dT/dA} and the direction {@code v} held constant: its gradient with
 * respect to {@code A} is the Hessian-vector product {@code H v}. The direction is the tap's own activation (what
 * ShapleyCAM needs), read from the activation output, which no node consumes, so no gradient flows into it. With a
 * fed seed the same sweep also reaches the seed input, giving {@code J v} (J = d output / dA): the term through which
 * a target that is not linear in the output adds its own curvature ({@code J^T (d^2 T / d output^2) J v}), which the
 * caller completes with one more first-order pass.
 *
 * <p>One sweep per tap: taps are differentiated separately (each tap's product holds only its own second
 * derivatives, as {@code torch.autograd.grad(grads, activations, grad_outputs=activations)} per layer does). The
 * first-order graph is built without the CPU blocked-layout forms: their ReLU mask {@code Tanh(2^126 y)} is exact in
 * value but not in derivative.
 */
final class HessianCompiler {

    private static final String PREFIX = "gradcam/hvp/";

    private HessianCompiler() {
    }

    static CompiledGraph compile(Shapes shapes, GradientSpec spec) {
        CompiledGraph first = GradientCompiler.compile(shapes, spec.firstOrder(), false, false);
        Graph g = Graph.of(first.model());
        Map<String, long[]> dims = new LinkedHashMap<>();
        for (ValueInfoProto in : g.inputs()) {
            String name = in.getName();
            dims.put(name, shapes.dims(name.equals(first.seedInput()) ? spec.output() : name));
        }
        Shapes second = ShapeInference.infer(g, dims);
        Emitter e = new Emitter(g.opset(), PREFIX, false);
        ForwardRewrites rewrites = new ForwardRewrites();
        List<ValueInfoProto> outputs = new ArrayList<>(first.model().getGraph().getOutputList());
        Map<String, String> products = new LinkedHashMap<>();
        Map<String, String> tangents = new LinkedHashMap<>();
        int k = 0;
        for (Map.Entry<String, String> tap : first.gradients().entrySet()) {
            String value = tap.getKey();
            Set<String> sources = new LinkedHashSet<>();
            sources.add(value);
            if (first.seedInput() != null) {
                sources.add(first.seedInput());
            }
            String direction = first.activations().get(value);
            var sweep = new GradientCompiler.Backward(second, e, rewrites, GradientMode.STANDARD, tap.getValue(),
                    sources, first.input(), direction);
            try {
                sweep.run();
            } catch (UnsupportedOperatorException x) {
                // The op was emitted by a backward rule: say so, rather than name compiler-internal values only.
                throw new UnsupportedOperatorException(x.opType(), x.node(), "second-order gradients at '" + value
                        + "' (Hessian-vector products, as ShapleyCAM needs) differentiate the backward graph, and "
                        + "this op of it has no backward rule (" + x.getMessage() + ")");
            }
            String product = PREFIX + "product/" + k;
            e.opInto("Identity", List.of(sweep.totalOrZeros(value)), List.of(product));
            products.put(value, product);
            outputs.add(GraphAssembler.valueInfo(product, second.type(value)));
            if (first.seedInput() != null) {
                String tangent = PREFIX + "tangent/" + k;
                e.opInto("Identity", List.of(sweep.totalOrZeros(first.seedInput())), List.of(tangent));
                tangents.put(value, tangent);
                outputs.add(GraphAssembler.valueInfo(tangent, second.type(first.seedInput())));
            }
            k++;
        }
        List<NodeProto> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            nodes.add(rewrites.apply(n));
        }
        nodes.addAll(e.nodes());
        List<TensorProto> inits = new ArrayList<>(g.initializers().values());
        inits.addAll(e.initializers());
        var model = GraphAssembler.assemble(g, nodes, inits, new ArrayList<>(g.inputs()), outputs);
        return new CompiledGraph(model, first.input(), first.seedInput(), first.output(), first.activations(),
                first.gradients(), first.inputGradient(), first.seedOutput(), first.biasGradients(), products,
                tangents);
    }
}
