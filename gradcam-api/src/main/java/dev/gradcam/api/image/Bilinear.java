package dev.gradcam.api.image;

/**
 * Bilinear resizing of float planes with half-pixel centres, as PyTorch's
 * {@code interpolate(mode="bilinear", align_corners=False)} (no antialiasing) and OpenCV's {@code INTER_LINEAR}.
 *
 * <p>Output pixel {@code d} samples the input at {@code s = (d + 0.5) * in / out - 0.5}, clamped at 0 below; the
 * upper neighbour is clamped to the last pixel. Weights are computed in double. Stateless.
 */
final class Bilinear {

    private Bilinear() {
    }

    /** Resizes one row-major {@code inH x inW} plane to {@code outH x outW}. */
    static float[] resize(float[] src, int inH, int inW, int outH, int outW) {
        return resize(src, 0, inH, inW, outH, outW);
    }

    /** Resizes the plane starting at {@code offset} in {@code src}. */
    static float[] resize(float[] src, int offset, int inH, int inW, int outH, int outW) {
        float[] out = new float[outH * outW];
        if (inH == outH && inW == outW) {
            System.arraycopy(src, offset, out, 0, out.length);
            return out;
        }
        int[] x0 = new int[outW];
        int[] x1 = new int[outW];
        double[] wx = new double[outW];
        axis(inW, outW, x0, x1, wx);
        int[] y0 = new int[outH];
        int[] y1 = new int[outH];
        double[] wy = new double[outH];
        axis(inH, outH, y0, y1, wy);
        for (int y = 0; y < outH; y++) {
            int r0 = offset + y0[y] * inW;
            int r1 = offset + y1[y] * inW;
            double fy = wy[y];
            for (int x = 0; x < outW; x++) {
                double fx = wx[x];
                double top = src[r0 + x0[x]] * (1 - fx) + src[r0 + x1[x]] * fx;
                double bottom = src[r1 + x0[x]] * (1 - fx) + src[r1 + x1[x]] * fx;
                out[y * outW + x] = (float) (top * (1 - fy) + bottom * fy);
            }
        }
        return out;
    }

    private static void axis(int in, int out, int[] lo, int[] hi, double[] frac) {
        double scale = (double) in / out;
        for (int d = 0; d < out; d++) {
            double s = Math.max((d + 0.5) * scale - 0.5, 0.0);
            int i0 = Math.min((int) s, in - 1);
            lo[d] = i0;
            hi[d] = i0 < in - 1 ? i0 + 1 : i0;
            frac[d] = i0 < in - 1 ? s - i0 : 0.0;
        }
    }
}
