package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import java.util.List;
import java.util.Locale;

/**
 * The built-in {@link Colormap}s. Every family of strategies has its factories on a companion class named in the
 * plural ({@code Targets}, {@code CamMethods}, {@code FeatureMapSelectors}, ...); the interface stays a
 * single-method type users implement with a lambda.
 */
public final class Colormaps {

    private Colormaps() {
    }

    /**
     * OpenCV's {@code COLORMAP_JET}: dark blue (0, 0, 128) at 0, through blue, cyan, yellow and red, to dark red
     * (128, 0, 0) at 1. pytorch-grad-cam's default.
     */
    public static Colormap jet() {
        return TableColormap.JET;
    }

    /** Google's Turbo (2019): an improved rainbow, from (48, 18, 59) at 0 to (122, 4, 3) at 1. */
    public static Colormap turbo() {
        return TableColormap.TURBO;
    }

    /** matplotlib's viridis: perceptually uniform, from (68, 1, 84) at 0 to (253, 231, 37) at 1. */
    public static Colormap viridis() {
        return TableColormap.VIRIDIS;
    }

    /** matplotlib's inferno: perceptually uniform, from (0, 0, 4) at 0 to (252, 255, 164) at 1. */
    public static Colormap inferno() {
        return TableColormap.INFERNO;
    }

    /** Grey levels: black at 0, white at 1. */
    public static Colormap gray() {
        return TableColormap.GRAY;
    }

    /** The names {@link #named(String)} accepts. */
    public static List<String> names() {
        return TableColormap.NAMES;
    }

    /**
     * A built-in colormap by name, ignoring case: {@code jet}, {@code turbo}, {@code viridis}, {@code inferno},
     * {@code gray} (or {@code grey}).
     *
     * @throws InvalidArgumentException for any other name, listing the known ones
     */
    public static Colormap named(String name) {
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
