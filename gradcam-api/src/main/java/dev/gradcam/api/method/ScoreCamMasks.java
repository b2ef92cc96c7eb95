package dev.gradcam.api.method;

import dev.gradcam.api.post.Bilinear;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.stream.IntStream;

/**
 * Score-CAM's masks and masked images for one input size, built on all cores (the common fork-join pool): the
 * upsampled maps of a run of channels with their extremes, then each masked image {@code X .* s(Up(A_k))} into its
 * batch slot. Each element is computed by the same expression whichever thread computes it, so the images do not
 * depend on the number of cores.
 */
final class ScoreCamMasks {

    private final boolean alignCorners;
    private final int height;
    private final int width;
    private final int channels;

    ScoreCamMasks(boolean alignCorners, int channels, int height, int width) {
        this.alignCorners = alignCorners;
        this.channels = channels;
        this.height = height;
        this.width = width;
    }

    /** {@code Up(A_k)} of channels {@code from} to {@code to} (exclusive) of one image's maps [K, h, w]. */
    Upsampled upsample(FloatTensor maps, int from, int to) {
        Upsampled up = new Upsampled(to - from);
        IntStream.range(0, to - from).parallel().forEach(j -> {
            FloatTensor map = maps.slice(from + j);
            FloatTensor u = alignCorners ? Bilinear.resizeAlignCorners(map, height, width)
                    : Bilinear.resize(map, height, width);
            up.maps[j] = u.toArray();
            up.min[j] = u.min();
            up.max[j] = u.max();
        });
        return up;
    }

    /**
     * Writes the masked images of the pending maps into {@code data}: {@code image .* (Up - min) / range}, each
     * at its offset. Overwrites those maps with their masks, and empties {@code pending}.
     */
    void fill(float[] image, Upsampled up, Pending pending, float[] data) {
        int plane = height * width;
        IntStream.range(0, pending.size).parallel().forEach(e -> {
            float[] mask = up.maps[pending.map[e]];
            float min = up.min[pending.map[e]];
            double range = pending.range[e];
            for (int p = 0; p < plane; p++) {
                mask[p] = (float) ((mask[p] - min) / range);
            }
            // Plane by plane: contiguous runs the JIT vectorises.
            for (int q = 0; q < channels; q++) {
                int from = q * plane;
                int to = pending.offset[e] + from;
                for (int p = 0; p < plane; p++) {
                    data[to + p] = image[from + p] * mask[p];
                }
            }
        });
        pending.size = 0;
    }

    /** Upsampled maps of a run of channels, with their minima and maxima. */
    static final class Upsampled {
        final float[][] maps;
        final float[] min;
        final float[] max;

        Upsampled(int count) {
            maps = new float[count][];
            min = new float[count];
            max = new float[count];
        }
    }

    /** Masked images reserved in the current batch and not yet written: which map, where, and its range. */
    static final class Pending {
        final int[] map;
        final int[] offset;
        final double[] range;
        int size;

        Pending(int capacity) {
            map = new int[capacity];
            offset = new int[capacity];
            range = new double[capacity];
        }

        void add(int mapIndex, int at, double r) {
            map[size] = mapIndex;
            offset[size] = at;
            range[size] = r;
            size++;
        }
    }
}
