package dev.gradcam.nd4j.onnx;

import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.Node;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * ONNX Gemm and MatMul. MatMul of an N-D activation by a 2-D matrix (linear layers applied per position, as in
 * ConvNeXt) is a reshape to 2-D, a matrix product and a reshape back.
 */
final class LinearOps {

    private LinearOps() {
    }

    static void register(Map<String, OpTranslator> t) {
        t.put("Gemm", LinearOps::gemm);
        t.put("MatMul", LinearOps::matMul);
    }

    private static void gemm(Node n, TranslationContext c) {
        SDVariable a = c.in(n, 0);
        if (n.attrInt("transA", 0) != 0) {
            a = c.sd().transpose(a);
        }
        SDVariable b = matrix(n, c, 1, n.attrInt("transB", 0) != 0);
        SDVariable y = c.sd().mmul(a, b);
        float alpha = n.attrFloat("alpha", 1f);
        if (alpha != 1f) {
            y = y.mul((double) alpha);
        }
        if (n.hasInput(2)) {
            float beta = n.attrFloat("beta", 1f);
            ConstValue cv = c.constant(n, 2);
            SDVariable bias;
            if (cv != null) {
                float[] f = ConvOps.floats(cv);
                for (int i = 0; i < f.length; i++) {
                    f[i] *= beta;
                }
                bias = c.floatConstant(f, cv.dims());
            } else {
                bias = beta == 1f ? c.in(n, 2) : c.in(n, 2).mul((double) beta);
            }
            y = y.add(bias);
        }
        c.define(n.output(0), y);
    }

    /** Input {@code i} as a matrix, transposed if asked: in Java when it is a constant, else with an op. */
    private static SDVariable matrix(Node n, TranslationContext c, int i, boolean transpose) {
        ConstValue v = c.constant(n, i);
        if (!transpose) {
            return c.in(n, i);
        }
        if (v == null) {
            return c.sd().transpose(c.in(n, i));
        }
        long[] d = v.dims();
        int rows = (int) d[0];
        int cols = (int) d[1];
        float[] src = ConvOps.floats(v);
        float[] t = new float[src.length];
        for (int r = 0; r < rows; r++) {
            for (int col = 0; col < cols; col++) {
                t[col * rows + r] = src[r * cols + col];
            }
        }
        return c.floatConstant(t, cols, rows);
    }

    private static void matMul(Node n, TranslationContext c) {
        int ra = c.rank(n.input(0));
        int rb = c.rank(n.input(1));
        if (rb != 2 || ra < 2) {
            throw c.unsupported(n, "only products of an N-D tensor by a 2-D matrix are translated (ranks " + ra
                    + " and " + rb + ")");
        }
        SDVariable a = c.in(n, 0);
        SDVariable b = c.in(n, 1);
        if (ra == 2) {
            c.define(n.output(0), c.sd().mmul(a, b));
            return;
        }
        long k = c.staticDims(n.input(1))[0];
        SDVariable flat = c.sd().reshape(a, -1, k);
        c.define(n.output(0), c.sd().reshape(c.sd().mmul(flat, b), c.batchedDims(n, n.output(0))));
    }
}
