package dev.gradcam.nd4j.onnx;

import static dev.gradcam.nd4j.onnx.OnnxModels.integer;
import static dev.gradcam.nd4j.onnx.OnnxModels.ints;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.nd4j.SameDiffModel;
import dev.gradcam.nd4j.TestGraphs;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import org.junit.jupiter.api.Test;

/** Translation of op forms the fixtures do not cover, against values computed here by their ONNX definitions. */
class OnnxTranslationTest {

    private static SameDiffModel model(ModelProto proto) {
        Translation t = OnnxSameDiff.translate(proto, null);
        return SameDiffModel.builder(t.graph()).input(t.input()).outputs(t.outputs().toArray(String[]::new))
                .layers(t.layers()).inputShape(t.inputShape()).biases(t.biases()).build();
    }

    @Test
    void anUnsupportedOperatorIsNamedWithItsNodeAndTheSupportedOps() {
        ModelProto p = OnnxModels.withInput("x", -1, 4).node("Relu", "first", new String[] {"x"}, "r")
                .node("Hardmax", "/head/Hardmax", new String[] {"r"}, "y").output("y", -1, 4);
        UnsupportedOperatorException e = assertThrows(UnsupportedOperatorException.class,
                () -> OnnxSameDiff.translate(p, null));
        assertEquals("Hardmax", e.opType());
        assertEquals("/head/Hardmax", e.node());
        assertTrue(e.getMessage().contains("supported: Add, AveragePool"), e.getMessage());
    }

    @Test
    void groupedConvolutionWithAsymmetricPaddingStridesAndDilation() {
        int cin = 4;
        int cout = 6;
        int groups = 2;
        float[] w = TestGraphs.gaussian(Shape.of(cout, cin / groups, 3, 3), 1).toArray();
        float[] b = {0.1f, -0.2f, 0.3f, 0f, 0.5f, -0.6f};
        long[] pads = {1, 0, 2, 1}; // top, left, bottom, right
        ModelProto p = OnnxModels.withInput("x", -1, cin, 7, 6)
                .initializer("w", new long[] {cout, cin / groups, 3, 3}, w).initializer("b", new long[] {cout}, b)
                .node("Conv", "conv", new String[] {"x", "w", "b"}, "y", integer("group", groups),
                        ints("kernel_shape", 3, 3), ints("pads", pads), ints("strides", 2, 1),
                        ints("dilations", 1, 2))
                .output("y", -1, cout, 4, 3);
        FloatTensor x = TestGraphs.gaussian(Shape.of(2, cin, 7, 6), 2);
        try (SameDiffModel m = model(p)) {
            FloatTensor y = m.forward(x);
            FloatTensor expected = conv(x, w, b, groups, cout, pads, new int[] {2, 1}, new int[] {1, 2});
            assertEquals(expected.shape(), y.shape());
            assertTrue(y.relativeError(expected) < 1e-5, "relative error " + y.relativeError(expected));
        }
    }

    @Test
    void ceilModeAveragePoolingCountsOnlyCellsInsideTheInput() {
        ModelProto p = OnnxModels.withInput("x", -1, 1, 5, 5)
                .node("AveragePool", "pool", new String[] {"x"}, "y", ints("kernel_shape", 2, 2),
                        ints("strides", 2, 2), ints("pads", 1, 1, 0, 0), integer("ceil_mode", 1))
                .output("y", -1, 1, 3, 3);
        float[] v = new float[25];
        for (int i = 0; i < 25; i++) {
            v[i] = i;
        }
        try (SameDiffModel m = model(p)) {
            FloatTensor y = m.forward(FloatTensor.of(Shape.of(1, 1, 5, 5), v));
            // Windows start at -1, 1, 3 on each axis; only cells in [0, 5) count.
            float[] expected = new float[9];
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    double sum = 0;
                    int count = 0;
                    for (int r = 2 * i - 1; r < 2 * i + 1; r++) {
                        for (int c = 2 * j - 1; c < 2 * j + 1; c++) {
                            if (r >= 0 && r < 5 && c >= 0 && c < 5) {
                                sum += v[r * 5 + c];
                                count++;
                            }
                        }
                    }
                    expected[i * 3 + j] = (float) (sum / count);
                }
            }
            assertEquals(FloatTensor.of(Shape.of(1, 1, 3, 3), expected).toString(), y.toString());
            assertTrue(y.relativeError(FloatTensor.of(Shape.of(1, 1, 3, 3), expected)) < 1e-6);
        }
    }

    @Test
    void gradientsFlowThroughTranslatedPoolingAndPadding() {
        ModelProto p = OnnxModels.withInput("x", -1, 1, 4, 4)
                .node("MaxPool", "pool", new String[] {"x"}, "y", ints("kernel_shape", 2, 2), ints("strides", 2, 2),
                        ints("pads", 1, 1, 1, 1))
                .output("y", -1, 1, 3, 3);
        float[] v = new float[16];
        for (int i = 0; i < 16; i++) {
            v[i] = (i * 7) % 16 - 8;
        }
        try (SameDiffModel m = model(p)) {
            FloatTensor x = FloatTensor.of(Shape.of(1, 1, 4, 4), v);
            PassResult r = m.run(PassRequest.builder(x).seed(new Seed.OfShape(s -> FloatTensor.full(s, 1f)))
                    .inputGradient(true).build());
            FloatTensor g = r.inputGradient().orElseThrow();
            // Each of the 3 x 3 windows sends its gradient (1) to its maximum; padding never wins.
            assertEquals(9.0, g.sum(), 1e-6);
            for (int i = 0; i < 16; i++) {
                assertTrue(g.getFlat(i) == 0 || g.getFlat(i) == 1);
            }
        }
    }

    /** A direct grouped convolution by the ONNX definition. */
    private static FloatTensor conv(FloatTensor x, float[] w, float[] b, int groups, int cout, long[] pads,
                                    int[] stride, int[] dilation) {
        int n = x.shape().intDim(0);
        int cin = x.shape().intDim(1);
        int h = x.shape().intDim(2);
        int wd = x.shape().intDim(3);
        int gi = cin / groups;
        int go = cout / groups;
        int oh = (int) ((h + pads[0] + pads[2] - (2 * dilation[0] + 1)) / stride[0] + 1);
        int ow = (int) ((wd + pads[1] + pads[3] - (2 * dilation[1] + 1)) / stride[1] + 1);
        float[] out = new float[n * cout * oh * ow];
        for (int i = 0; i < n; i++) {
            for (int o = 0; o < cout; o++) {
                int g = o / go;
                for (int y = 0; y < oh; y++) {
                    for (int xx = 0; xx < ow; xx++) {
                        double s = b[o];
                        for (int c = 0; c < gi; c++) {
                            for (int ky = 0; ky < 3; ky++) {
                                for (int kx = 0; kx < 3; kx++) {
                                    int iy = (int) (y * stride[0] - pads[0] + ky * dilation[0]);
                                    int ix = (int) (xx * stride[1] - pads[1] + kx * dilation[1]);
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        s += w[((o * gi + c) * 3 + ky) * 3 + kx] * x.get(i, g * gi + c, iy, ix);
                                    }
                                }
                            }
                        }
                        out[((i * cout + o) * oh + y) * ow + xx] = (float) s;
                    }
                }
            }
        }
        return FloatTensor.wrapOwned(Shape.of(n, cout, oh, ow), out);
    }
}
