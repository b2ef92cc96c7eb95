package dev.gradcam.nd4j.onnx;

import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.Node;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.enums.PadMode;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX shape ops: Reshape, Flatten, Squeeze and Unsqueeze as static reshapes (target sizes from shape inference, with
 * -1 on the batch axis), Transpose, Concat and constant-mode Pad.
 */
final class ShapeOps {

    private ShapeOps() {
    }

    static void register(Map<String, OpTranslator> t) {
        OpTranslator reshape = (n, c) -> c.define(n.output(0), c.sd().reshape(c.in(n, 0),
                c.batchedDims(n, n.output(0))));
        t.put("Reshape", reshape);
        t.put("Flatten", reshape);
        t.put("Squeeze", reshape);
        t.put("Unsqueeze", reshape);
        t.put("Transpose", ShapeOps::transpose);
        t.put("Concat", ShapeOps::concat);
        t.put("Pad", ShapeOps::pad);
    }

    private static void transpose(Node n, TranslationContext c) {
        int rank = c.rank(n.input(0));
        long[] perm = n.attrInts("perm");
        int[] p = new int[rank];
        for (int i = 0; i < rank; i++) {
            p[i] = perm == null ? rank - 1 - i : (int) perm[i];
        }
        c.define(n.output(0), c.sd().permute(c.in(n, 0), p));
    }

    private static void concat(Node n, TranslationContext c) {
        int rank = c.rank(n.output(0));
        int axis = (int) n.attrInt("axis", 1);
        if (axis < 0) {
            axis += rank;
        }
        SDVariable[] parts = new SDVariable[n.inputs().size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = c.in(n, i);
        }
        c.define(n.output(0), parts.length == 1 ? c.sd().identity(parts[0]) : c.sd().concat(axis, parts));
    }

    private static void pad(Node n, TranslationContext c) {
        String mode = n.attrString("mode", "constant");
        if (!mode.equals("constant")) {
            throw c.unsupported(n, "only constant padding is translated, not '" + mode + "'");
        }
        if (n.hasInput(3)) {
            throw c.unsupported(n, "the axes input is not translated");
        }
        long[] pads = n.attrInts("pads");
        if (pads == null) {
            pads = c.requireConstant(n, 1, "pads").longs();
        }
        double value = n.attrFloat("value", 0f);
        ConstValue v = c.constant(n, 2);
        if (v != null) {
            value = v.doubleAt(0);
        }
        int rank = pads.length / 2;
        long[][] p = new long[rank][2];
        boolean any = false;
        for (int i = 0; i < rank; i++) {
            p[i][0] = pads[i];
            p[i][1] = pads[i + rank];
            if (p[i][0] < 0 || p[i][1] < 0) {
                throw c.unsupported(n, "negative pads (cropping) are not translated");
            }
            any |= p[i][0] != 0 || p[i][1] != 0;
        }
        SDVariable x = c.in(n, 0);
        if (!any) {
            c.define(n.output(0), c.sd().identity(x));
            return;
        }
        SDVariable paddings = c.sd().constant(c.uniqueName("onnx_pads"), Nd4j.createFromArray(p));
        c.define(n.output(0), c.sd().nn.pad(x, paddings, PadMode.CONSTANT, value));
    }
}
