package dev.gradcam.cli;

import dev.gradcam.api.tensor.FloatTensor;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * Images {@code from} (inclusive) to {@code to} (exclusive) of an input, read and preprocessed into one model batch,
 * with their backdrops (what the overlays are drawn on) when asked for: the unit the {@link Prefetcher} hands over.
 */
record LoadedBatch(int from, int to, FloatTensor batch, List<BufferedImage> backdrops) {

    /** Reads batch number {@code index} of {@code step} images from {@code in}. */
    static LoadedBatch read(InputSource in, int index, int step, boolean withBackdrops) {
        int from = index * step;
        int to = Math.min(in.size(), from + step);
        FloatTensor batch = in.load(from, to);
        List<BufferedImage> backdrops = new ArrayList<>();
        if (withBackdrops) {
            for (int i = from; i < to; i++) {
                backdrops.add(in.backdrop(i, batch.slice(i - from)));
            }
        }
        return new LoadedBatch(from, to, batch, List.copyOf(backdrops));
    }

    /** How many batches of {@code step} images cover {@code size} images. */
    static int count(int size, int step) {
        return (size + step - 1) / step;
    }
}
