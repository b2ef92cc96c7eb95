package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

import java.awt.image.BufferedImage;

/**
 * Maps a value in [0, 1] to a colour, for painting heatmaps.
 *
 * <p>The built-in maps ({@link Colormaps#jet()}, {@link Colormaps#turbo()}, {@link Colormaps#viridis()}, {@link Colormaps#inferno()}, {@link Colormaps#gray()})
 * are 256-entry tables looked up as pytorch-grad-cam does, {@code cv2.applyColorMap(np.uint8(255 * v), map)}:
 * level {@code (int)(255 * v)}, computed in float and truncated, so their colours equal OpenCV's byte for byte.
 * Values below 0 or above 1 are clamped; NaN is black ({@code 0x000000}) so missing values stand out. Write your own
 * as a lambda returning {@code 0xRRGGBB}. Implementations must be thread-safe; the built-in ones are immutable.
 *
 * <p>The built-in ones come from {@link Colormaps}.
 */
@FunctionalInterface
public interface Colormap {

    /** The colour of {@code value} as {@code 0xRRGGBB} (8 bits per channel, no alpha). */
    int rgb(float value);

    /**
     * Paints a map: each value becomes its colour.
     *
     * @param map {@code [H, W]}, or with leading axes of size 1 ({@code [1, H, W]}, {@code [1, 1, H, W]})
     * @return an RGB image of the map's size
     * @throws InvalidInputException if the map is not 2-D once leading 1s are dropped
     */
    default BufferedImage render(FloatTensor map) {
        Shape s = InvalidArgumentException.requireNonNull(map, "map").shape();
        while (s.rank() > 2 && s.dim(0) == 1) {
            s = s.dropFirst(1);
        }
        if (s.rank() != 2) {
            throw new InvalidInputException("expected a 2-D map [H, W] (leading axes of size 1 allowed), got "
                    + map.shape());
        }
        int h = s.intDim(0);
        int w = s.intDim(1);
        int[] rgb = new int[h * w];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = rgb(map.getFlat(i)) & 0xFF_FFFF;
        }
        return Pixels.rgbImage(w, h, rgb);
    }
}
