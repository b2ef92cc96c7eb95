package dev.gradcam.api.image;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.io.OutputFiles;
import dev.gradcam.api.tensor.FloatTensor;

import javax.imageio.ImageIO;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * Writes PNG files: images, grey maps in [0, 1], and gradients (see {@link GradientImages} for how a gradient
 * becomes an image).
 *
 * <p>8-bit RGB, RGBA and grey images (what this library renders) are encoded by a fast encoder of its own, others by
 * ImageIO; both decode to the same pixels. Every {@code Path} method creates missing parent folders and replaces an
 * existing file. A failed write is a {@link GradCamException} naming the file. Stateless and thread-safe.
 */
public final class PngWriter {

    private PngWriter() {
    }

    /**
     * Writes an image as PNG (grey images stay grey, colour stays colour, alpha is kept).
     *
     * @throws GradCamException if the file cannot be written
     */
    public static void write(BufferedImage image, Path path) {
        InvalidArgumentException.requireNonNull(image, "image");
        OutputFiles.write(path, "PNG", out -> encode(image, out));
    }

    /**
     * Writes an image as PNG to a stream (flushed, not closed).
     *
     * @throws GradCamException if the stream fails
     */
    public static void write(BufferedImage image, OutputStream out) {
        InvalidArgumentException.requireNonNull(image, "image");
        OutputFiles.write(out, "PNG", o -> encode(image, o));
    }

    /** The PNG encoding of an image. */
    public static byte[] toBytes(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        write(image, out);
        return out.toByteArray();
    }

    /**
     * Writes a map with values in [0, 1] (a heatmap, say) as an 8-bit grey PNG: level {@code (int)(255 * v)},
     * clamped; NaN is black.
     *
     * @param map {@code [H, W]}, or with leading axes of size 1 ({@code [1, H, W]}, {@code [1, 1, H, W]})
     * @throws dev.gradcam.api.InvalidInputException if the map is not 2-D once leading 1s are dropped
     */
    public static void writeMap(FloatTensor map, Path path) {
        InvalidArgumentException.requireNonNull(map, "map");
        write(GradientImages.gray(map), path);
    }

    /**
     * Writes a gradient min-max normalised over the whole tensor, as pytorch-cnn-visualizations'
     * {@code save_gradient_images}: colour for {@code [3, H, W]}, grey for {@code [H, W]} or {@code [1, H, W]}.
     *
     * @see GradientImages#normalized(FloatTensor)
     */
    public static void writeGradient(FloatTensor gradient, Path path) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        write(GradientImages.normalized(gradient), path);
    }

    /**
     * Writes a signed map as two images, its positive and its negative part, each divided by its own extreme, as
     * pytorch-cnn-visualizations' {@code get_positive_negative_saliency}.
     *
     * @see GradientImages#positive(FloatTensor)
     * @see GradientImages#negative(FloatTensor)
     */
    public static void writePositiveNegative(FloatTensor gradient, Path positive, Path negative) {
        InvalidArgumentException.requireNonNull(gradient, "gradient");
        write(GradientImages.positive(gradient), positive);
        write(GradientImages.negative(gradient), negative);
    }

    private static void encode(BufferedImage image, OutputStream out) throws IOException {
        if (PngEncoder.encode(image, out)) {
            return;
        }
        // A memory-cached stream: ImageIO's default may spill to temporary files.
        try (ImageOutputStream ios = new MemoryCacheImageOutputStream(out)) {
            if (!ImageIO.write(image, "png", ios)) {
                throw new IOException("no javax.imageio PNG writer accepts an image of type " + image.getType());
            }
        }
    }
}
