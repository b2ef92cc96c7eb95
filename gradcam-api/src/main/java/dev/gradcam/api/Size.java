package dev.gradcam.api;

/**
 * An image size in pixels, <b>width first</b>: {@code Size.of(640, 480)} is 640 wide and 480 high, as images are
 * described ("640x480", {@code BufferedImage.getWidth()} before {@code getHeight()}). Tensors list the same sizes the
 * other way round ({@code [N, C, H, W]}); {@link #ofTensorDims(long, long)} takes them in that order, so the two
 * conventions never meet in a bare {@code (int, int)}.
 *
 * <p>Every API setting that takes an image size takes a {@code Size}:
 * {@code Preprocessing.withSize(Size)}, {@code Explainer.Builder.outputSize(Size)},
 * {@code ClassImageGeneration.Builder.imageSize(Size)}, {@code ActivationMaximization.Builder.imageSize(Size)},
 * {@code RegionMasks.fromImage(image, Size)}, {@code Explainer.warmUp(Size, ...)}. Tensor-level operations that take
 * the sizes of tensor axes ({@code Bilinear.resize(maps, height, width)}) keep the axes' order. Immutable.
 *
 * @param width  pixels across, at least 1
 * @param height pixels down, at least 1
 */
public record Size(int width, int height) {

    /**
     * Checks both sides.
     *
     * @throws InvalidArgumentException if a side is below 1
     */
    public Size {
        if (width < 1 || height < 1) {
            throw new InvalidArgumentException("a size must be positive, got width " + width + " x height " + height);
        }
    }

    /** {@code width} pixels across and {@code height} down. */
    public static Size of(int width, int height) {
        return new Size(width, height);
    }

    /** A square, {@code side x side}. */
    public static Size square(int side) {
        return new Size(side, side);
    }

    /**
     * The size of a tensor's last two axes, given in tensor order: {@code height} (axis -2), then {@code width}
     * (axis -1).
     *
     * @throws InvalidArgumentException if a side is below 1 or above {@link Integer#MAX_VALUE}
     */
    public static Size ofTensorDims(long height, long width) {
        if (height > Integer.MAX_VALUE || width > Integer.MAX_VALUE) {
            throw new InvalidArgumentException("a size must fit in an int, got height " + height + " x width "
                    + width);
        }
        return new Size((int) width, (int) height);
    }

    /** Like {@code 640x480}: width, then height. */
    @Override
    public String toString() {
        return width + "x" + height;
    }
}
