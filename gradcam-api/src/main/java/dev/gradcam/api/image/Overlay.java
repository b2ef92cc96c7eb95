package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.post.Bilinear;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

import java.awt.image.BufferedImage;

/**
 * Blends a coloured heatmap onto an image, as pytorch-grad-cam's {@code show_cam_on_image}.
 *
 * <p>For every pixel and channel, in float arithmetic with image and heat colour scaled to [0, 1]:
 * <pre>
 *   blend = alpha * heat + (1 - alpha) * image      heat = colormap(heatmap value) / 255
 *   out   = blend / max(blend)                      only if renormalise; max over the whole image, all channels
 *   level = (int) (255 * out)                       truncated, clamped to 0..255
 * </pre>
 * With the {@link #defaults() defaults} (jet, alpha 0.5, renormalise) this gives the same bytes as
 * {@code show_cam_on_image(img / 255, mask, use_rgb=True)} (whose {@code image_weight} is {@code 1 - alpha}).
 * The renormalisation brightens the result so its brightest channel reaches 255; switch it off to keep a plain
 * weighted average. A heatmap of another size than the image is first resized to it bilinearly (half-pixel
 * centres, as {@code cv2.resize}). Alpha of the image is dropped; grey images are treated as RGB. Immutable.
 *
 * @param colormap    colours the heatmap values
 * @param alpha       weight of the heatmap colour, in [0, 1] (0 keeps the image, 1 shows only the heatmap)
 * @param renormalise divide by the largest blended value before converting to 8 bits, as {@code show_cam_on_image}
 */
public record Overlay(Colormap colormap, double alpha, boolean renormalise) {

    /**
     * Checks the components.
     *
     * @throws InvalidArgumentException if alpha is outside [0, 1]
     */
    public Overlay {
        InvalidArgumentException.requireNonNull(colormap, "colormap");
        if (!(alpha >= 0 && alpha <= 1)) {
            throw new InvalidArgumentException("alpha must be in [0, 1] (weight of the heatmap), got " + alpha);
        }
    }

    /** Jet, alpha 0.5, renormalised: pytorch-grad-cam's {@code show_cam_on_image} defaults. */
    public static Overlay defaults() {
        return new Overlay(Colormaps.jet(), 0.5, true);
    }

    /** The same overlay with another colormap. */
    public Overlay withColormap(Colormap colormap) {
        return new Overlay(colormap, alpha, renormalise);
    }

    /** The same overlay with another heatmap weight. */
    public Overlay withAlpha(double alpha) {
        return new Overlay(colormap, alpha, renormalise);
    }

    /** The same overlay with renormalisation on or off. */
    public Overlay withRenormalise(boolean renormalise) {
        return new Overlay(colormap, alpha, renormalise);
    }

    /**
     * The heatmap blended onto the image.
     *
     * @param image   any image; its alpha is ignored
     * @param heatmap values in [0, 1] (others are clamped by the built-in colormaps), {@code [H, W]} or with
     *                leading axes of size 1; resized to the image if its size differs
     * @return a new RGB image of the image's size
     * @throws InvalidInputException if the heatmap is not 2-D once leading 1s are dropped
     */
    public BufferedImage apply(BufferedImage image, FloatTensor heatmap) {
        InvalidArgumentException.requireNonNull(image, "image");
        InvalidArgumentException.requireNonNull(heatmap, "heatmap");
        int w = image.getWidth();
        int h = image.getHeight();
        float[] heat = heatFor(heatmap, h, w);
        int[] rgb = Pixels.rgb(image);
        int n = w * h;
        // Each term takes one of 256 values per channel: tabulated, with the same float operations per value.
        float[] heatTerm = new float[256];
        float[] imageTerm = new float[256];
        float heatWeight = (float) alpha;
        float imageWeight = (float) (1 - alpha);
        for (int level = 0; level < 256; level++) {
            heatTerm[level] = heatWeight * (level / 255f);
            imageTerm[level] = imageWeight * (level / 255f);
        }
        int[] colours = new int[n];
        float max = 0f;
        for (int i = 0; i < n; i++) {
            int c = colormap.rgb(heat[i]);
            colours[i] = c;
            int p = rgb[i];
            for (int shift = 16; shift >= 0; shift -= 8) {
                max = Math.max(max, heatTerm[(c >> shift) & 0xFF] + imageTerm[(p >> shift) & 0xFF]);
            }
        }
        boolean divide = renormalise && max > 0;
        int[] out = new int[n];
        for (int i = 0; i < n; i++) {
            int c = colours[i];
            int p = rgb[i];
            int packed = 0;
            for (int shift = 16; shift >= 0; shift -= 8) {
                float v = heatTerm[(c >> shift) & 0xFF] + imageTerm[(p >> shift) & 0xFF];
                packed |= Pixels.truncateToLevel(divide ? v / max : v) << shift;
            }
            out[i] = packed;
        }
        return Pixels.rgbImage(w, h, out);
    }

    /**
     * The heatmap blended onto an input tensor turned back into an image with
     * {@link Images#toImage(FloatTensor, Preprocessing)}.
     *
     * @param image one image, {@code [1, C, H, W]} or {@code [C, H, W]} (or NHWC, per the preprocessing)
     */
    public BufferedImage apply(FloatTensor image, Preprocessing preprocessing, FloatTensor heatmap) {
        return apply(Images.toImage(image, preprocessing), heatmap);
    }

    private static float[] heatFor(FloatTensor heatmap, int h, int w) {
        Shape s = heatmap.shape();
        while (s.rank() > 2 && s.dim(0) == 1) {
            s = s.dropFirst(1);
        }
        if (s.rank() != 2 || s.size() == 0) {
            throw new InvalidInputException("expected a non-empty 2-D heatmap [H, W] (leading axes of size 1 allowed), "
                    + "got " + heatmap.shape());
        }
        FloatTensor map = heatmap.reshape(s);
        return s.intDim(0) == h && s.intDim(1) == w ? map.toArray() : Bilinear.resize(map, h, w).toArray();
    }
}
