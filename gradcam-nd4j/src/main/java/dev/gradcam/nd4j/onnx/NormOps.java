package dev.gradcam.nd4j.onnx;

import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.Shapes;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * ONNX normalisations and reductions: BatchNormalization (inference), LayerNormalization, ReduceMean, ReduceSum,
 * ReduceMax.
 *
 * <p>BatchNormalization with constant statistics is folded, in Java and in double precision, into one per-channel
 * scale and shift; LayerNormalization is spelt out in elementary ops, so SameDiff's autodiff differentiates it
 * exactly as written.
 */
final class NormOps {

    private NormOps() {
    }

    static void register(Map<String, OpTranslator> t) {
        t.put("BatchNormalization", NormOps::batchNorm);
        t.put("LayerNormalization", NormOps::layerNorm);
        t.put("ReduceMean", (n, c) -> reduce(n, c, Reduction.MEAN));
        t.put("ReduceSum", (n, c) -> reduce(n, c, Reduction.SUM));
        t.put("ReduceMax", (n, c) -> reduce(n, c, Reduction.MAX));
    }

    private enum Reduction { MEAN, SUM, MAX }

    private static void batchNorm(Node n, TranslationContext c) {
        if (n.attrInt("training_mode", 0) != 0 || extraOutputsUsed(n, c)) {
            throw c.unsupported(n, "only inference-mode batch normalisation is translated");
        }
        double eps = n.attrFloat("epsilon", 1e-5f);
        double[] scale = c.requireConstant(n, 1, "scale").doubles();
        double[] bias = c.requireConstant(n, 2, "bias").doubles();
        double[] mean = c.requireConstant(n, 3, "mean").doubles();
        double[] var = c.requireConstant(n, 4, "var").doubles();
        int ch = scale.length;
        float[] a = new float[ch];
        float[] b = new float[ch];
        for (int i = 0; i < ch; i++) {
            double s = scale[i] / Math.sqrt(var[i] + eps);
            a[i] = (float) s;
            b[i] = (float) (bias[i] - mean[i] * s);
        }
        long[] dims = new long[c.rank(n.input(0))];
        java.util.Arrays.fill(dims, 1);
        dims[1] = ch;
        SDVariable x = c.in(n, 0);
        c.define(n.output(0), x.mul(c.floatConstant(a, dims)).add(c.floatConstant(b, dims)));
        if (dims.length == 4) {
            c.biasLayer(n.output(0), b); // FullGrad's effective bias: beta - mean * gamma / sqrt(var + eps)
        }
    }

    private static void layerNorm(Node n, TranslationContext c) {
        if (extraOutputsUsed(n, c)) {
            throw c.unsupported(n, "the Mean and InvStdDev outputs are not translated");
        }
        int rank = c.rank(n.input(0));
        int axis = (int) n.attrInt("axis", -1);
        if (axis < 0) {
            axis += rank;
        }
        int[] axes = new int[rank - axis];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = axis + i;
        }
        double eps = n.attrFloat("epsilon", 1e-5f);
        SDVariable x = c.in(n, 0);
        SDVariable centred = x.sub(x.mean(true, axes));
        SDVariable variance = c.sd().math.square(centred).mean(true, axes);
        SDVariable y = centred.div(c.sd().math.sqrt(variance.add(eps))).mul(c.in(n, 1));
        if (n.hasInput(2)) {
            y = y.add(c.in(n, 2));
        }
        c.define(n.output(0), y);
    }

    private static boolean extraOutputsUsed(Node n, TranslationContext c) {
        for (int i = 1; i < n.outputs().size(); i++) {
            if (!n.output(i).isEmpty() && !c.graph().consumers(n.output(i)).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private static void reduce(Node n, TranslationContext c, Reduction r) {
        int rank = c.rank(n.input(0));
        long[] axes = c.shapes().intsArg(n, "axes", 1);
        if (axes == null) {
            throw c.unsupported(n, "the axes must be known before the model runs");
        }
        int[] ax;
        if (axes == Shapes.ABSENT || axes.length == 0) {
            if (n.attrInt("noop_with_empty_axes", 0) != 0) {
                c.define(n.output(0), c.sd().identity(c.in(n, 0)));
                return;
            }
            ax = new int[rank];
            for (int i = 0; i < rank; i++) {
                ax[i] = i;
            }
        } else {
            ax = new int[axes.length];
            for (int i = 0; i < axes.length; i++) {
                ax[i] = (int) (axes[i] < 0 ? axes[i] + rank : axes[i]);
            }
        }
        boolean keep = n.attrInt("keepdims", 1) != 0;
        SDVariable x = c.in(n, 0);
        SDVariable y = switch (r) {
            case MEAN -> x.mean(keep, ax);
            case SUM -> x.sum(keep, ax);
            case MAX -> c.sd().max(x, keep, ax);
        };
        c.define(n.output(0), y);
    }
}
