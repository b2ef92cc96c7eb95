package dev.gradcam.api;

import dev.gradcam.api.tensor.Shape;
import java.util.Optional;

/**
 * The height and width of a batch of 2-D inputs, for the heatmaps' default size: [N, C, H, W], or [N, H, W, C]
 * where the last axis is short (at most 4, both axes before it longer, as channels-last TensorFlow exports take
 * images) and the layer's maps [N, h, w] have the aspect of that reading rather than of the other (a 1-D signal given
 * as [N, C, T, 1], whose maps are a column, stays [N, C, H, W]). Reading a channels-last input as [N, C, H, W] would
 * make heatmaps of its width by its channels.
 */
record InputSize(int height, int width, Reading reading) {

    /** How the input was read. */
    enum Reading {
        CHANNELS_FIRST,
        CHANNELS_LAST,
        /** The input looks channels-last but the maps do not say so: read as [N, C, H, W]. */
        AMBIGUOUS
    }

    /**
     * @param images {@code [N, C, H, W]} or {@code [N, H, W, C]}
     * @param maps   the first layer's maps, {@code [N, h, w]}, or null if there are none
     */
    static InputSize of(Shape images, Shape maps) {
        boolean looksChannelsLast = images.rank() == 4 && images.dim(3) <= 4 && images.dim(1) > 4
                && images.dim(2) > 4;
        if (!looksChannelsLast) {
            return new InputSize(images.intDim(2), images.intDim(3), Reading.CHANNELS_FIRST);
        }
        boolean mapsAgree = maps != null && maps.rank() == 3 && maps.dim(1) > 0 && maps.dim(2) > 0
                && aspectDistance(maps, images.dim(1), images.dim(2))
                < aspectDistance(maps, images.dim(2), images.dim(3));
        return mapsAgree ? new InputSize(images.intDim(1), images.intDim(2), Reading.CHANNELS_LAST)
                : new InputSize(images.intDim(2), images.intDim(3), Reading.AMBIGUOUS);
    }

    /** What to tell the user when the input looked channels-last, whichever reading was taken. */
    Optional<String> diagnostic(Shape images) {
        return switch (reading) {
            case CHANNELS_FIRST -> Optional.empty();
            case CHANNELS_LAST -> Optional.of("the input " + images + " was read as channels-last [N, H, W, C] (its "
                    + "last axis is short, and the maps' aspect matches that reading): heatmaps are " + height + " x "
                    + width + "; set outputSize to choose another size");
            case AMBIGUOUS -> Optional.of("the input " + images + " may be channels-last [N, H, W, C] (its last axis "
                    + "is short), but the maps' aspect does not say so: it was read as [N, C, H, W], heatmaps "
                    + height + " x " + width + "; set outputSize if that is wrong");
        };
    }

    /** How far the maps' height-to-width ratio is from {@code h / w}, as the absolute log of their quotient. */
    private static double aspectDistance(Shape maps, long h, long w) {
        return Math.abs(Math.log((double) maps.dim(1) / maps.dim(2) * w / h));
    }
}
