package dev.gradcam.nd4j.onnx;

import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.WindowGeometry;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Pooling2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Pooling2DConfig;

/**
 * ONNX MaxPool, AveragePool (2-D; pads, strides, dilations, ceil_mode, count_include_pad), GlobalAveragePool and
 * GlobalMaxPool.
 *
 * <p>Padding, including the extra windows of ceil mode, is applied with an explicit pad op (-max float for max
 * pooling) followed by unpadded pooling, so the windows are exactly ONNX's whatever SameDiff's own padding rules are.
 * For average pooling the divisor is then corrected by a constant map of window sizes.
 */
final class PoolOps {

    private PoolOps() {
    }

    static void register(Map<String, OpTranslator> t) {
        t.put("MaxPool", PoolOps::maxPool);
        t.put("AveragePool", PoolOps::averagePool);
        t.put("GlobalAveragePool", (n, c) -> c.define(n.output(0), c.in(n, 0).mean(true, spatialAxes(c, n))));
        t.put("GlobalMaxPool", (n, c) -> c.define(n.output(0), c.sd().max(c.in(n, 0), true, spatialAxes(c, n))));
    }

    private static int[] spatialAxes(TranslationContext c, Node n) {
        int rank = c.rank(n.input(0));
        int[] axes = new int[rank - 2];
        for (int i = 0; i < axes.length; i++) {
            axes[i] = i + 2;
        }
        return axes;
    }

    private static void maxPool(Node n, TranslationContext c) {
        if (!n.output(1).isEmpty() && !c.graph().consumers(n.output(1)).isEmpty()) {
            throw c.unsupported(n, "the Indices output is not translated");
        }
        Window w = window(n, c);
        SDVariable x = c.in(n, 0);
        if (w.needsPadding()) {
            x = Padding.constant(c, x, w.begin, w.end, -Float.MAX_VALUE);
        }
        c.define(n.output(0), c.sd().cnn.maxPooling2d(x, w.config(Pooling2D.Divisor.INCLUDE_PADDING)));
    }

    private static void averagePool(Node n, TranslationContext c) {
        Window w = window(n, c);
        if (w.g.dilations()[0] != 1 || w.g.dilations()[1] != 1) {
            throw c.unsupported(n, "dilated average pooling is not translated");
        }
        SDVariable x = c.in(n, 0);
        if (!w.needsPadding()) {
            c.define(n.output(0), c.sd().cnn.avgPooling2d(x, w.config(Pooling2D.Divisor.INCLUDE_PADDING)));
            return;
        }
        SDVariable mean = c.sd().cnn.avgPooling2d(Padding.constant(c, x, w.begin, w.end, 0),
                w.config(Pooling2D.Divisor.INCLUDE_PADDING));
        boolean includePad = n.attrInt("count_include_pad", 0) != 0;
        float[] factor = w.divisorCorrection(includePad);
        c.define(n.output(0), mean.mul(c.floatConstant(factor, 1, 1, w.g.out()[0], w.g.out()[1])));
    }

    private static Window window(Node n, TranslationContext c) {
        long[] x = c.staticDims(n.input(0));
        if (x.length != 4) {
            throw c.unsupported(n, "only 2-D pooling (4-D inputs) is translated, got rank " + x.length);
        }
        long[] kernel = n.attrInts("kernel_shape");
        boolean ceil = n.attrInt("ceil_mode", 0) != 0;
        WindowGeometry g = WindowGeometry.forward(n, new long[] {x[2], x[3]}, kernel, ceil);
        long[] end = new long[2];
        for (int i = 0; i < 2; i++) {
            long eff = (g.kernel()[i] - 1) * g.dilations()[i] + 1;
            // Ceil mode's last window may reach past the end padding: pad up to where it ends.
            long reach = (g.out()[i] - 1) * g.strides()[i] + eff - g.in()[i] - g.padsBegin()[i];
            end[i] = Math.max(g.padsEnd()[i], reach);
        }
        return new Window(g, g.padsBegin().clone(), end);
    }

    /** Resolved pooling windows: the geometry plus the padding actually applied at each end. */
    private record Window(WindowGeometry g, long[] begin, long[] end) {

        boolean needsPadding() {
            return begin[0] != 0 || begin[1] != 0 || end[0] != 0 || end[1] != 0;
        }

        Pooling2DConfig config(Pooling2D.Divisor divisor) {
            return Pooling2DConfig.builder().kH(g.kernel()[0]).kW(g.kernel()[1]).sH(g.strides()[0])
                    .sW(g.strides()[1]).dH(g.dilations()[0]).dW(g.dilations()[1]).pH(0).pW(0)
                    .paddingMode(PaddingMode.VALID).divisor(divisor).isNHWC(false).build();
        }

        /**
         * Per output position, kernel size / ONNX's divisor: windows count only cells inside the input (or inside the
         * input and its explicit pads with count_include_pad), never the extra cells of ceil mode.
         */
        float[] divisorCorrection(boolean includePad) {
            int oh = (int) g.out()[0];
            int ow = (int) g.out()[1];
            float[] f = new float[oh * ow];
            long kh = g.kernel()[0];
            long kw = g.kernel()[1];
            for (int i = 0; i < oh; i++) {
                long rows = covered(i, 0, includePad);
                for (int j = 0; j < ow; j++) {
                    long cols = covered(j, 1, includePad);
                    f[i * ow + j] = (float) ((double) (kh * kw) / (rows * cols));
                }
            }
            return f;
        }

        /** Cells of window {@code o} along {@code axis} that count towards the divisor. */
        private long covered(int o, int axis, boolean includePad) {
            long start = o * g.strides()[axis] - g.padsBegin()[axis];
            long stop = start + g.kernel()[axis];
            long lo = includePad ? -g.padsBegin()[axis] : 0;
            long hi = g.in()[axis] + (includePad ? g.padsEnd()[axis] : 0);
            return Math.max(1, Math.min(stop, hi) - Math.max(start, lo));
        }
    }
}
