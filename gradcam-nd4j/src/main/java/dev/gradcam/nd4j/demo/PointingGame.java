package dev.gradcam.nd4j.demo;

import dev.gradcam.api.tensor.FloatTensor;

/**
 * The pointing game (Zhang et al. 2016): a saliency map scores a hit when its maximum lies inside the object's
 * bounding box. Stateless.
 */
public final class PointingGame {

    private PointingGame() {
    }

    /**
     * Whether the peak of {@code heatmap} ([H, W], image resolution) falls inside {@code box}. Ties go to the first
     * maximum in row-major order; a map without any positive value (blank) is a miss.
     */
    public static boolean hit(FloatTensor heatmap, ShapesDataset.Box box) {
        if (heatmap.shape().rank() != 2) {
            throw new IllegalArgumentException("a heat map must be [H, W], got " + heatmap.shape());
        }
        if (!(heatmap.max() > 0)) {
            return false;
        }
        int peak = heatmap.argMax();
        int w = heatmap.shape().intDim(1);
        return box.contains(peak / w, peak % w);
    }

    /** The fraction of hits over a batch of maps [N, H, W] against the boxes of {@code data} from index {@code from}. */
    public static double score(FloatTensor heatmaps, ShapesDataset data, int from) {
        int n = heatmaps.shape().intDim(0);
        int hits = 0;
        for (int i = 0; i < n; i++) {
            if (hit(heatmaps.slice(i), data.box(from + i))) {
                hits++;
            }
        }
        return hits / (double) n;
    }
}
