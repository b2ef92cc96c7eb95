package dev.gradcam.nd4j.onnx;

import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.WindowGeometry;
import java.util.Arrays;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;

/**
 * ONNX Conv (2-D, any groups, strides, pads, dilations) as SameDiff conv2d / depthwise conv2d.
 *
 * <p>Weights must be constants: they are rearranged once, in Java, from ONNX's OIHW to the YXIO layout
 * ({@code [kH, kW, in, out]}) because SameDiff 1.0.0-M2.1's conv2d backward pass ignores other layouts. Asymmetric
 * padding becomes an explicit pad op, since SameDiff's config has one pad per axis.
 */
final class ConvOps {

    private ConvOps() {
    }

    static void register(Map<String, OpTranslator> t) {
        t.put("Conv", ConvOps::conv);
    }

    private static void conv(Node n, TranslationContext c) {
        String xName = n.input(0);
        long[] xDims = c.staticDims(xName);
        if (xDims.length != 4) {
            throw c.unsupported(n, "only 2-D convolutions (4-D inputs) are translated, got rank " + xDims.length);
        }
        ConstValue w = c.requireConstant(n, 1, "the weight");
        long[] wd = w.dims();
        int cout = (int) wd[0];
        int cinPerGroup = (int) wd[1];
        int kh = (int) wd[2];
        int kw = (int) wd[3];
        int groups = (int) n.attrInt("group", 1);
        int cin = (int) xDims[1];
        if (cinPerGroup * groups != cin || cout % groups != 0) {
            throw c.unsupported(n, "weight " + Arrays.toString(wd) + " does not fit " + cin + " input channels in "
                    + groups + " groups");
        }
        WindowGeometry g = WindowGeometry.forward(n, new long[] {xDims[2], xDims[3]}, new long[] {kh, kw}, false);
        SDVariable x = c.in(n, 0);
        long[] pads = {g.padsBegin()[0], g.padsBegin()[1]};
        if (g.padsBegin()[0] != g.padsEnd()[0] || g.padsBegin()[1] != g.padsEnd()[1]) {
            x = Padding.constant(c, x, g.padsBegin(), g.padsEnd(), 0);
            pads = new long[] {0, 0};
        }
        Conv2DConfig config = Conv2DConfig.builder().kH(kh).kW(kw).sH(g.strides()[0]).sW(g.strides()[1])
                .pH(pads[0]).pW(pads[1]).dH(g.dilations()[0]).dW(g.dilations()[1]).paddingMode(PaddingMode.VALID)
                .dataFormat("NCHW").weightsFormat(WeightsFormat.YXIO).build();
        float[] weights = floats(w);
        SDVariable bias = n.hasInput(2) ? c.in(n, 2) : null;
        SDVariable y;
        if (groups == 1) {
            y = conv2d(c, x, yxio(weights, cin, kh, kw, 0, cout), bias, config, cin, cout, kh, kw);
        } else if (cinPerGroup == 1) {
            // Depthwise: output channel c*m + j reads input channel c, as in SameDiff's [kH, kW, C, m] weights.
            int m = cout / cin;
            float[] dw = new float[kh * kw * cin * m];
            for (int ci = 0; ci < cin; ci++) {
                for (int j = 0; j < m; j++) {
                    for (int yy = 0; yy < kh; yy++) {
                        for (int xx = 0; xx < kw; xx++) {
                            dw[((yy * kw + xx) * cin + ci) * m + j] = weights[((ci * m + j) * kh + yy) * kw + xx];
                        }
                    }
                }
            }
            SDVariable dwVar = c.floatConstant(dw, kh, kw, cin, m);
            y = bias == null ? c.sd().cnn.depthWiseConv2d(x, dwVar, config)
                    : c.sd().cnn.depthWiseConv2d(x, dwVar, bias, config);
        } else {
            y = grouped(c, x, weights, bias, config, groups, cin, cout, kh, kw);
        }
        c.define(n.output(0), y);
        ConstValue b = c.constant(n, 2);
        if (b != null) {
            c.biasLayer(n.output(0), floats(b));
        }
    }

    /** A general grouped convolution: one conv2d per group on a channel slice, then concatenation. */
    private static SDVariable grouped(TranslationContext c, SDVariable x, float[] weights, SDVariable bias,
                                      Conv2DConfig config, int groups, int cin, int cout, int kh, int kw) {
        int gi = cin / groups;
        int go = cout / groups;
        SDVariable[] parts = new SDVariable[groups];
        for (int gr = 0; gr < groups; gr++) {
            SDVariable slice = x.get(SDIndex.all(), SDIndex.interval((long) gr * gi, (long) (gr + 1) * gi),
                    SDIndex.all(), SDIndex.all());
            SDVariable b = bias == null ? null : bias.get(SDIndex.interval((long) gr * go, (long) (gr + 1) * go));
            parts[gr] = conv2d(c, slice, yxio(weights, gi, kh, kw, gr * go, go), b, config, gi, go, kh, kw);
        }
        return c.sd().concat(1, parts);
    }

    private static SDVariable conv2d(TranslationContext c, SDVariable x, float[] yxio, SDVariable bias,
                                     Conv2DConfig config, int cin, int cout, int kh, int kw) {
        SDVariable w = c.floatConstant(yxio, kh, kw, cin, cout);
        return bias == null ? c.sd().cnn.conv2d(x, w, config) : c.sd().cnn.conv2d(x, w, bias, config);
    }

    /** Output channels {@code [first, first + count)} of OIHW weights, rearranged to YXIO. */
    private static float[] yxio(float[] oihw, int cin, int kh, int kw, int first, int count) {
        float[] out = new float[kh * kw * cin * count];
        for (int o = 0; o < count; o++) {
            for (int i = 0; i < cin; i++) {
                for (int y = 0; y < kh; y++) {
                    for (int x = 0; x < kw; x++) {
                        out[((y * kw + x) * cin + i) * count + o] = oihw[(((first + o) * cin + i) * kh + y) * kw + x];
                    }
                }
            }
        }
        return out;
    }

    static float[] floats(ConstValue v) {
        double[] d = v.doubles();
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
