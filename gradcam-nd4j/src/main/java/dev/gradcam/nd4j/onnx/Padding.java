package dev.gradcam.nd4j.onnx;

import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.enums.PadMode;
import org.nd4j.linalg.factory.Nd4j;

/** Explicit padding of the spatial axes of NCHW tensors, for window ops whose padding SameDiff cannot state. */
final class Padding {

    private Padding() {
    }

    /**
     * Pads the last {@code begin.length} axes of a rank-4 tensor with {@code value}.
     *
     * @param begin padding before each spatial axis
     * @param end   padding after each spatial axis
     */
    static SDVariable constant(TranslationContext c, SDVariable x, long[] begin, long[] end, double value) {
        int spatial = begin.length;
        int rank = 2 + spatial;
        long[][] p = new long[rank][2];
        for (int i = 0; i < spatial; i++) {
            p[2 + i][0] = begin[i];
            p[2 + i][1] = end[i];
        }
        SDVariable paddings = c.sd().constant(c.uniqueName("onnx_pads"), Nd4j.createFromArray(p));
        return c.sd().nn.pad(x, paddings, PadMode.CONSTANT, value);
    }
}
