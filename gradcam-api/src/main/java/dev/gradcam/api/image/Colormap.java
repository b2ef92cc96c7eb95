package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Locale;

/**
 * Maps a value in [0, 1] to a colour, for painting heatmaps.
 *
 * <p>The built-in maps ({@link #jet()}, {@link #turbo()}, {@link #viridis()}, {@link #inferno()}, {@link #gray()})
 * are 256-entry tables looked up as pytorch-grad-cam does, {@code cv2.applyColorMap(np.uint8(255 * v), map)}:
 * level {@code (int)(255 * v)}, computed in float and truncated, so their colours equal OpenCV's byte for byte.
 * Values below 0 or above 1 are clamped; NaN is black ({@code 0x000000}) so missing values stand out. Write your own
 * as a lambda returning {@code 0xRRGGBB}. Implementations must be thread-safe; the built-in ones are immutable.
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
        InvalidArgumentException.requireNonNull(map, "map");
        Shape s = map.shape();
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

    /**
     * OpenCV's {@code COLORMAP_JET}: dark blue (0, 0, 128) at 0, through blue, cyan, yellow and red, to dark red
     * (128, 0, 0) at 1. pytorch-grad-cam's default.
     */
    static Colormap jet() {
        return TableColormap.JET;
    }

    /** Google's Turbo (2019): an improved rainbow, from (48, 18, 59) at 0 to (122, 4, 3) at 1. */
    static Colormap turbo() {
        return TableColormap.TURBO;
    }

    /** matplotlib's viridis: perceptually uniform, from (68, 1, 84) at 0 to (253, 231, 37) at 1. */
    static Colormap viridis() {
        return TableColormap.VIRIDIS;
    }

    /** matplotlib's inferno: perceptually uniform, from (0, 0, 4) at 0 to (252, 255, 164) at 1. */
    static Colormap inferno() {
        return TableColormap.INFERNO;
    }

    /** Grey levels: black at 0, white at 1. */
    static Colormap gray() {
        return TableColormap.GRAY;
    }

    /** The names {@link #named(String)} accepts. */
    static List<String> names() {
        return TableColormap.NAMES;
    }

    /**
     * A built-in colormap by name, ignoring case: {@code jet}, {@code turbo}, {@code viridis}, {@code inferno},
     * {@code gray} (or {@code grey}).
     *
     * @throws InvalidArgumentException for any other name, listing the known ones
     */
    static Colormap named(String name) {
        InvalidArgumentException.requireNonNull(name, "name");
        String key = name.strip().toLowerCase(Locale.ROOT);
        for (TableColormap c : TableColormap.ALL) {
            if (c.toString().equals(key)) {
                return c;
            }
        }
        if (key.equals("grey")) {
            return gray();
        }
        throw new InvalidArgumentException("unknown colormap '" + name + "'; known: " + String.join(", ", names()));
    }
}
