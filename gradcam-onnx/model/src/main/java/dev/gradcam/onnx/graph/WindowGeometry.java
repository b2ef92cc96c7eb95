package dev.gradcam.onnx.graph;

import java.util.Arrays;

/**
 * The sliding-window arithmetic of Conv, ConvTranspose and the pooling ops, with {@code auto_pad} resolved into
 * explicit pads: what shape inference needs forwards and what backward rules need to invert a window op exactly.
 *
 * @param kernel    kernel size per spatial axis
 * @param strides   stride per spatial axis
 * @param dilations dilation per spatial axis
 * @param padsBegin explicit padding before each spatial axis
 * @param padsEnd   explicit padding after each spatial axis
 * @param in        input spatial sizes
 * @param out       output spatial sizes
 */
public record WindowGeometry(long[] kernel, long[] strides, long[] dilations, long[] padsBegin, long[] padsEnd,
                             long[] in, long[] out) {

    /**
     * Resolves a Conv, MaxPool, AveragePool or LpPool node.
     *
     * @param inSpatial input spatial sizes (static)
     * @param kernel    the kernel size (from {@code kernel_shape} or the weight's dims)
     * @param ceilMode  the pooling ceil_mode (false for Conv)
     */
    public static WindowGeometry forward(Node n, long[] inSpatial, long[] kernel, boolean ceilMode) {
        int r = inSpatial.length;
        long[] s = orOnes(n.attrInts("strides"), r);
        long[] d = orOnes(n.attrInts("dilations"), r);
        long[] pb = new long[r];
        long[] pe = new long[r];
        long[] out = new long[r];
        String autoPad = n.attrString("auto_pad", "NOTSET");
        for (int i = 0; i < r; i++) {
            long eff = (kernel[i] - 1) * d[i] + 1;
            switch (autoPad) {
                case "SAME_UPPER", "SAME_LOWER" -> {
                    out[i] = ceilDiv(inSpatial[i], s[i]);
                    long total = Math.max(0, (out[i] - 1) * s[i] + eff - inSpatial[i]);
                    long small = total / 2;
                    pb[i] = autoPad.equals("SAME_UPPER") ? small : total - small;
                    pe[i] = total - pb[i];
                }
                case "VALID" -> out[i] = (inSpatial[i] - eff) / s[i] + 1;
                default -> {
                    long[] pads = n.attrInts("pads");
                    if (pads != null && pads.length == 2 * r) {
                        pb[i] = pads[i];
                        pe[i] = pads[i + r];
                    }
                    long span = inSpatial[i] + pb[i] + pe[i] - eff;
                    if (ceilMode) {
                        out[i] = ceilDiv(span, s[i]) + 1;
                        // The last window must start inside the input or the begin padding (PyTorch and ORT rule).
                        if ((out[i] - 1) * s[i] >= inSpatial[i] + pb[i]) {
                            out[i]--;
                        }
                    } else {
                        out[i] = Math.floorDiv(span, s[i]) + 1;
                    }
                }
            }
        }
        return new WindowGeometry(kernel.clone(), s, d, pb, pe, inSpatial.clone(), out);
    }

    /**
     * Resolves a ConvTranspose node.
     *
     * @param inSpatial input spatial sizes (static)
     * @param kernel    the kernel size
     */
    public static WindowGeometry transposed(Node n, long[] inSpatial, long[] kernel) {
        int r = inSpatial.length;
        long[] s = orOnes(n.attrInts("strides"), r);
        long[] d = orOnes(n.attrInts("dilations"), r);
        long[] op = n.attrInts("output_padding");
        if (op == null) {
            op = new long[r];
        }
        long[] pb = new long[r];
        long[] pe = new long[r];
        long[] out = new long[r];
        long[] outputShape = n.attrInts("output_shape");
        String autoPad = n.attrString("auto_pad", "NOTSET");
        long[] pads = n.attrInts("pads");
        for (int i = 0; i < r; i++) {
            long eff = (kernel[i] - 1) * d[i] + 1;
            long full = s[i] * (inSpatial[i] - 1) + op[i] + eff;
            if (outputShape != null || autoPad.startsWith("SAME")) {
                long target = outputShape != null ? outputShape[outputShape.length - r + i] : inSpatial[i] * s[i];
                long total = Math.max(0, full - target);
                // SAME_UPPER puts the odd extra padding at the end; SAME_LOWER, and an explicit output_shape
                // without auto_pad, at the start (measured on ONNX Runtime 1.24).
                boolean upper = autoPad.equals("SAME_UPPER");
                pb[i] = upper ? total / 2 : total - total / 2;
                pe[i] = total - pb[i];
                out[i] = target;
            } else {
                if (pads != null && pads.length == 2 * r) {
                    pb[i] = pads[i];
                    pe[i] = pads[i + r];
                }
                out[i] = full - pb[i] - pe[i];
            }
        }
        return new WindowGeometry(kernel.clone(), s, d, pb, pe, inSpatial.clone(), out);
    }

    /** Pads in ONNX order: all begins, then all ends. */
    public long[] pads() {
        long[] p = new long[padsBegin.length * 2];
        System.arraycopy(padsBegin, 0, p, 0, padsBegin.length);
        System.arraycopy(padsEnd, 0, p, padsBegin.length, padsEnd.length);
        return p;
    }

    /** The extent of a dilated window along spatial axis {@code i}: {@code (kernel - 1) * dilation + 1}. */
    public long effectiveKernel(int i) {
        return (kernel[i] - 1) * dilations[i] + 1;
    }

    /** True if windows never overlap (each input position belongs to at most one window). */
    public boolean nonOverlapping() {
        for (int i = 0; i < kernel.length; i++) {
            if (effectiveKernel(i) > strides[i]) {
                return false;
            }
        }
        return true;
    }

    static long[] orOnes(long[] v, int r) {
        if (v != null && v.length == r) {
            return v.clone();
        }
        long[] ones = new long[r];
        Arrays.fill(ones, 1);
        return ones;
    }

    /** {@code ceil(a / b)} for a positive {@code b}. */
    public static long ceilDiv(long a, long b) {
        return -Math.floorDiv(-a, b);
    }
}
