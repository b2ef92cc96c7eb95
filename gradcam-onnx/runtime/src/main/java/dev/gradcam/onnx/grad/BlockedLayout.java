package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.model.ElementType;
import java.util.Arrays;
import java.util.List;

/**
 * Emission choices that keep ONNX Runtime's CPU provider in its blocked NCHWc layout during backward passes.
 *
 * <p>ONNX Runtime runs float32 convolutions with channel counts that are multiples of its block size (8 or 16) in a
 * blocked layout, and inserts a layout reorder before and after every op that cannot run there. Its NCHWc transformer
 * keeps Conv (versions 1 and 11), MaxPool/AveragePool, nearest Resize (up to version 13), Add, Sum, Mul (with both
 * inputs blocked), Concat and Relu/Sigmoid/Tanh blocked; Greater, Cast, Where, Expand and ConvTranspose are not. A
 * plain backward pass (ReLU masks as Greater + Cast, global pooling as Expand, strided convolutions as
 * ConvTranspose) therefore reordered almost every forward activation and backward gradient: 95 + 46 reorders in a
 * ResNet-50 input-gradient pass, about 10 % of its time. The forms here are exact and keep the chain blocked
 * (measured with ONNX Runtime 1.24; see docs/performance.md). They apply only where the blocked layout can: 4-D
 * float32 tensors whose channels are a multiple of 8, at opsets 6 to 21 (from opset 22, Conv-22 is not blocked).
 */
final class BlockedLayout {

    /** 2^126: Tanh(2^126 y) is exactly 1 in float32 for every y from about 1.1e-37 up, infinity included. */
    static final float MASK_GAIN = 0x1p126f;

    private BlockedLayout() {
    }

    /** True if a value of these dims would run in the blocked layout at this opset. */
    static boolean applies(BackwardContext c, long[] dims, int elemType) {
        int opset = c.emit().opset();
        return c.emit().blockedLayout() && dims.length == 4 && elemType == ElementType.FLOAT && dims[1] % 8 == 0
                && opset >= 6 && opset <= 21;
    }

    /**
     * The mask {@code y > 0} of a ReLU output {@code y} as {@code Tanh(2^126 * y)}, the scaling done by a depthwise
     * 1x1 convolution with the Tanh fused into it. Exact: Tanh(0) = 0, and 2^126 y is at least 9 for every float
     * above 1.1e-37, where float32 Tanh is exactly 1 (as is Tanh of the infinity that larger y overflow to; checked
     * in {@code BackwardRuleTest}); only ReLU outputs in (0, 1.1e-37) would get a fractional mask. Null where the
     * blocked layout does not apply.
     */
    static String reluMask(BackwardContext c, String y) {
        long[] d = c.dims(y);
        if (!applies(c, d, c.elemType(y))) {
            return null;
        }
        return c.emit().op("Tanh", depthwiseScale(c.emit(), y, d[1], MASK_GAIN));
    }

    /** {@code x * scale} for an [N, C, H, W] float32 {@code x}, as a depthwise 1x1 convolution (blocked). */
    private static String depthwiseScale(Emitter e, String x, long channels, double scale) {
        double[] w = new double[(int) channels];
        Arrays.fill(w, scale);
        String weights = e.reals(new long[] {channels, 1, 1, 1}, w, ElementType.FLOAT);
        return e.op("Conv", List.of(x, weights), Attr.i("group", channels), Attr.ints("kernel_shape", 1, 1));
    }

    /**
     * {@code value} through a 1x1 MaxPool, an exact identity, which brings an output left in plain NCHW (by a
     * ConvTranspose, say) back into the blocked layout, so the masks, residual sums and convolutions behind it need
     * no reorder each. Unchanged where the blocked layout does not apply.
     */
    static String reblocked(BackwardContext c, String value, long[] dims) {
        if (!applies(c, dims, c.elemType(value))) {
            return value;
        }
        return c.emit().op("MaxPool", value, Attr.ints("kernel_shape", 1, 1));
    }

    /**
     * {@code g * scale} broadcast from [N, C, 1, 1] to {@code x} = [N, C, H, W] (global average pooling's
     * gradient): Mul, Expand and {@link #reblocked}. The Expand is written as {@link Emitter#expand(String, long[],
     * long[])} does (target [1, 1, H, W]): a nearest Resize, which ONNX Runtime would run blocked, drops a symbolic
     * batch dim's name in shape inference, and with it every blocked Mul and Sum between the gradient and the forward
     * pass's masks in a batch-symbolic graph (100 reorders in ResNet-50's input-gradient pass). Null where the
     * blocked layout does not apply.
     */
    static String broadcast(BackwardContext c, String g, long[] x, double scale) {
        if (!applies(c, x, c.elemType(g))) {
            return null;
        }
        Emitter e = c.emit();
        return reblocked(c, e.expand(e.mul(g, c.scalar(scale)), new long[] {x[0], x[1], 1, 1}, x), x);
    }
}
