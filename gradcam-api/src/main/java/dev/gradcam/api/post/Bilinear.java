package dev.gradcam.api.post;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.function.IntToDoubleFunction;

/**
 * Bilinear resizing with half-pixel centres: the sampling of PyTorch {@code interpolate(mode="bilinear",
 * align_corners=False)} (without antialiasing) and OpenCV {@code INTER_LINEAR}, for any aspect ratio, up or down.
 */
public final class Bilinear {

    private Bilinear() {
    }

    /**
     * Resizes the last two axes of {@code maps} ([h, w] or [..., h, w]) to [height, width].
     *
     * @throws InvalidInputException if the tensor has fewer than two axes or a target size is below 1
     */
    public static FloatTensor resize(FloatTensor maps, int height, int width) {
        InvalidArgumentException.requireNonNull(maps, "maps");
        return resample(maps, height, width, Axis::halfPixel);
    }

    /**
     * Resizes like {@link #resize} but with corner-aligned sampling, PyTorch's {@code align_corners=True} (what
     * {@code nn.UpsamplingBilinear2d} does): output pixel {@code d} samples source coordinate
     * {@code d * (in - 1) / (out - 1)}, so the corner pixels of input and output coincide. pytorch-grad-cam's
     * Score-CAM masks and the official FullGrad code upsample this way.
     *
     * @throws InvalidInputException if the tensor has fewer than two axes or a target size is below 1
     */
    public static FloatTensor resizeAlignCorners(FloatTensor maps, int height, int width) {
        InvalidArgumentException.requireNonNull(maps, "maps");
        return resample(maps, height, width, Axis::alignCorners);
    }

    /**
     * Resizes the last three axes of volumes ({@code [d, h, w]} or {@code [..., d, h, w]}) to [depth, height, width]
     * with half-pixel centres along every axis: PyTorch's {@code interpolate(mode="trilinear", align_corners=False)}.
     * Trilinear interpolation is separable, so this is {@link #resize} of every slice followed by linear
     * interpolation along depth.
     *
     * @throws InvalidInputException if the tensor has fewer than three axes or a target size is below 1
     */
    public static FloatTensor resizeVolume(FloatTensor maps, int depth, int height, int width) {
        InvalidArgumentException.requireNonNull(maps, "maps");
        Shape s = maps.shape();
        if (s.rank() < 3) {
            throw new InvalidInputException("trilinear resize needs at least [d, h, w], got " + s);
        }
        if (depth < 1) {
            throw new InvalidInputException("target depth must be at least 1, got " + depth);
        }
        FloatTensor planes = resize(maps, height, width);
        int d = s.intDim(-3);
        int plane = height * width;
        int volumes = planes.size() / (d * plane);
        float[] src = planes.toArray();
        float[] out = new float[volumes * depth * plane];
        Axis zs = Axis.halfPixel(d, depth);
        for (int v = 0; v < volumes; v++) {
            for (int z = 0; z < depth; z++) {
                int lo = (v * d + zs.lo[z]) * plane;
                int hi = (v * d + zs.hi[z]) * plane;
                double f = zs.frac[z];
                int o = (v * depth + z) * plane;
                for (int p = 0; p < plane; p++) {
                    out[o + p] = (float) (src[lo + p] * (1 - f) + src[hi + p] * f);
                }
            }
        }
        return FloatTensor.wrapOwned(planes.shape().withDim(-3, depth), out);
    }

    /** Interpolates every [h, w] plane at the source coordinates that {@code mapping} gives each output pixel. */
    private static FloatTensor resample(FloatTensor maps, int height, int width, AxisMapping mapping) {
        Shape s = maps.shape();
        if (s.rank() < 2) {
            throw new InvalidInputException("bilinear resize needs at least [h, w], got " + s);
        }
        if (height < 1 || width < 1) {
            throw new InvalidInputException("target size must be at least 1x1, got " + height + "x" + width);
        }
        int h = s.intDim(-2);
        int w = s.intDim(-1);
        int planes = s.size() / (h * w);
        float[] src = maps.toArray();
        float[] out = new float[planes * height * width];
        Axis ys = mapping.along(h, height);
        Axis xs = mapping.along(w, width);
        // Separable: every source row interpolated along x once, then each output pixel between two such rows. The
        // arithmetic is that of interpolating each output pixel from its four neighbours, so the values are too.
        double[] rows = new double[h * width];
        boolean[] used = new boolean[h]; // shrinking skips rows
        for (int y = 0; y < height; y++) {
            used[ys.lo[y]] = true;
            used[ys.hi[y]] = true;
        }
        for (int p = 0; p < planes; p++) {
            int in = p * h * w;
            int o = p * height * width;
            for (int r = 0; r < h; r++) {
                if (!used[r]) {
                    continue;
                }
                int row = in + r * w;
                for (int x = 0; x < width; x++) {
                    double fx = xs.frac[x];
                    rows[r * width + x] = src[row + xs.lo[x]] * (1 - fx) + src[row + xs.hi[x]] * fx;
                }
            }
            for (int y = 0; y < height; y++) {
                int top = ys.lo[y] * width;
                int bottom = ys.hi[y] * width;
                double fy = ys.frac[y];
                for (int x = 0; x < width; x++) {
                    out[o + y * width + x] = (float) (rows[top + x] * (1 - fy) + rows[bottom + x] * fy);
                }
            }
        }
        return FloatTensor.wrapOwned(s.withDim(-2, height).withDim(-1, width), out);
    }

    /** How one axis of length {@code in} is sampled at {@code out} points. */
    @FunctionalInterface
    private interface AxisMapping {
        Axis along(int in, int out);
    }

    /** Precomputed source indices and weights along one axis. */
    private record Axis(int[] lo, int[] hi, float[] frac) {
        static Axis halfPixel(int in, int out) {
            double scale = (double) in / out;
            // Half-pixel centres: output pixel i covers source coordinate (i + 0.5) * scale - 0.5.
            return sample(in, out, i -> Math.max((i + 0.5) * scale - 0.5, 0.0));
        }

        static Axis alignCorners(int in, int out) {
            double scale = out > 1 ? (double) (in - 1) / (out - 1) : 0.0;
            return sample(in, out, i -> i * scale);
        }

        /** Splits each output pixel's source coordinate into its two neighbours (clamped) and the weight between. */
        private static Axis sample(int in, int out, IntToDoubleFunction coordinate) {
            int[] lo = new int[out];
            int[] hi = new int[out];
            float[] frac = new float[out];
            for (int i = 0; i < out; i++) {
                double src = coordinate.applyAsDouble(i);
                int l = Math.min((int) Math.floor(src), in - 1);
                lo[i] = l;
                hi[i] = Math.min(l + 1, in - 1);
                frac[i] = (float) (src - l);
            }
            return new Axis(lo, hi, frac);
        }
    }
}
