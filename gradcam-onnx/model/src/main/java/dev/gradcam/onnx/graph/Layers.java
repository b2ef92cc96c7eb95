package dev.gradcam.onnx.graph;

import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Lists the candidate layers of a graph: every floating-point value computed from the inputs, in topological order. */
public final class Layers {

    private Layers() {
    }

    /**
     * The candidate layers, with shapes as far as {@code shapes} knows them ({@link Shape#DYNAMIC} elsewhere).
     * Values that do not depend on a graph input (weights, folded constants) are not layers.
     */
    public static List<LayerInfo> list(Shapes shapes) {
        Graph g = shapes.graph();
        Set<String> live = inputDependent(g);
        List<LayerInfo> out = new ArrayList<>();
        for (Node n : g.nodes()) {
            for (String o : n.outputs()) {
                if (o.isEmpty() || !live.contains(o)) {
                    continue;
                }
                ValueType t = shapes.type(o);
                if (t == null || !t.isFloating()) {
                    continue;
                }
                Shape shape = t.hasRank() ? t.toShape() : Shape.of(new long[0]);
                out.add(new LayerInfo(o, n.label(), n.opType(), shape));
            }
        }
        return List.copyOf(out);
    }

    /** Values that depend on at least one graph input. */
    public static Set<String> inputDependent(Graph g) {
        Set<String> live = new HashSet<>();
        for (ValueInfoProto in : g.inputs()) {
            live.add(in.getName());
        }
        for (Node n : g.nodes()) {
            boolean any = false;
            for (String i : n.inputs()) {
                if (live.contains(i)) {
                    any = true;
                    break;
                }
            }
            if (any) {
                for (String o : n.outputs()) {
                    if (!o.isEmpty()) {
                        live.add(o);
                    }
                }
            }
        }
        return live;
    }
}
