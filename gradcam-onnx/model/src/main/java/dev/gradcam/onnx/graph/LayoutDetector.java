package dev.gradcam.onnx.graph;

import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.spi.LayerInfo;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Detects how a layer holds its feature maps from the graph around it. A 4-D value is channels last when the
 * nearest layout evidence upstream says so: a Transpose with permutation (0, 2, 3, 1) (Swin's and ConvNeXt's
 * {@code permute} after the patch embedding), or a LayerNormalization over the last axis of a 4-D value; it is
 * channels first when that evidence is a convolution, pooling or batch normalisation, a Transpose (0, 3, 1, 2), or
 * the image input itself. 3-D values are tokens, their grid and leading tokens found as
 * {@link LayerLayout#guess} does (the patch-embedding convolution's grid). Stateless.
 */
public final class LayoutDetector {

    /** How far upstream (nodes visited) evidence is looked for. */
    private static final int MAX_VISITED = 256;
    private static final Set<String> CHANNELS_FIRST_OPS = Set.of("Conv", "ConvTranspose", "MaxPool", "AveragePool",
            "BatchNormalization", "InstanceNormalization", "GlobalAveragePool", "GlobalMaxPool", "LRN", "Resize",
            "Upsample", "DepthToSpace", "SpaceToDepth", "GroupNormalization");

    private LayoutDetector() {
    }

    /** The layer's layout (grid not yet filled in), or null when it holds no feature maps. */
    public static LayerLayout detect(Shapes shapes, LayerInfo layer, List<LayerInfo> layers) {
        if (layer.shape().rank() != 4) {
            return LayerLayout.guess(layer, layers);
        }
        Graph g = shapes.graph();
        ArrayDeque<String> todo = new ArrayDeque<>(List.of(layer.name()));
        Set<String> seen = new HashSet<>();
        while (!todo.isEmpty() && seen.size() < MAX_VISITED) {
            String v = todo.poll();
            if (!seen.add(v)) {
                continue;
            }
            Node n = g.producer(v);
            if (n == null) {
                if (g.inputs().stream().anyMatch(i -> i.getName().equals(v))) {
                    return LayerLayout.channelsFirst();
                }
                continue;
            }
            Boolean last = evidence(n, shapes);
            if (last != null) {
                return last ? LayerLayout.channelsLast() : LayerLayout.channelsFirst();
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty() && !g.isInitializer(in) && !shapes.isConstant(in)) {
                    todo.add(in);
                }
            }
        }
        return LayerLayout.guess(layer, layers);
    }

    /** True: channels last; false: channels first; null: this node says nothing. */
    private static Boolean evidence(Node n, Shapes shapes) {
        String op = n.opType();
        if (CHANNELS_FIRST_OPS.contains(op)) {
            return false;
        }
        if (op.equals("Transpose") && shapes.rank(n.output(0)) == 4) {
            long[] p = ShapeRules.perm(n, 4);
            if (p[0] == 0 && p[1] == 2 && p[2] == 3 && p[3] == 1) {
                return true;
            }
            if (p[0] == 0 && p[1] == 3 && p[2] == 1 && p[3] == 2) {
                return false;
            }
        }
        if (op.equals("LayerNormalization") && shapes.rank(n.input(0)) == 4) {
            long axis = n.attrInt("axis", -1);
            return axis == -1 || axis == 3 ? Boolean.TRUE : null;
        }
        return null;
    }
}
