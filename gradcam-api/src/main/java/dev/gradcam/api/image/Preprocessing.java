package dev.gradcam.api.image;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.Size;
import java.util.Arrays;
import java.util.Objects;

/**
 * How an image becomes an input tensor: size, crop, channels, layout and value normalisation.
 *
 * <p>The steps run in this order, on pixel values 0..255 held as floats:
 * <ol>
 *   <li>resize, either to an exact {@link Builder#resize(int, int) width x height} or so the
 *       {@link Builder#resizeShorterSide(int) shorter side} has a given length (torchvision {@code Resize(int)}:
 *       the longer side becomes {@code floor(size * long / short)}), by bilinear interpolation with half-pixel
 *       centres (PyTorch {@code interpolate(mode="bilinear", align_corners=False, antialias=False)}, OpenCV
 *       {@code INTER_LINEAR}); results are not rounded back to integers. Without antialiasing, strong downscaling
 *       differs from PIL's / torchvision's antialiased resize;</li>
 *   <li>{@link Builder#centerCrop(int, int) centre crop} (torchvision {@code CenterCrop}: offsets
 *       {@code round((size - crop) / 2)} with Python's half-to-even rounding); a crop larger than the image is an
 *       error;</li>
 *   <li>channels: three in the {@link ChannelOrder} given (grey images are replicated), or one with
 *       {@link Builder#grayscale(boolean)} (colour images converted with PIL's {@code convert("L")} luma,
 *       {@code (19595 R + 38470 G + 7471 B + 32768) >> 16}); alpha is dropped, as PIL's {@code convert("RGB")}
 *       does;</li>
 *   <li>values: {@code (x / divisor - mean[c]) / std[c]} in float arithmetic, as torchvision's {@code ToTensor}
 *       then {@code Normalize}. {@code mean} and {@code std} are listed <b>in R, G, B order</b> whatever the
 *       channel order, so a preset stays correct when switched to BGR; one value applies to every channel;</li>
 *   <li>layout: {@link TensorLayout#NCHW} {@code [1, C, H, W]} or {@link TensorLayout#NHWC} {@code [1, H, W, C]}.</li>
 * </ol>
 *
 * <p>Presets fix only the values; chain {@link #withSize(int, int)}, {@link #withChannelOrder(ChannelOrder)},
 * {@link #withLayout(TensorLayout)} or {@link #toBuilder()} for the rest. Immutable and thread-safe.
 */
public final class Preprocessing {

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    private final int width;
    private final int height;
    private final int shorterSide;
    private final int cropWidth;
    private final int cropHeight;
    private final ChannelOrder channelOrder;
    private final TensorLayout layout;
    private final boolean grayscale;
    private final float divisor;
    private final float[] mean;
    private final float[] std;

    private Preprocessing(Builder b) {
        this.width = b.width;
        this.height = b.height;
        this.shorterSide = b.shorterSide;
        this.cropWidth = b.cropWidth;
        this.cropHeight = b.cropHeight;
        this.channelOrder = b.channelOrder;
        this.layout = b.layout;
        this.grayscale = b.grayscale;
        this.divisor = b.divisor;
        this.mean = b.mean.clone();
        this.std = b.std.clone();
    }

    /**
     * ImageNet normalisation as in torchvision's pretrained models: {@code x / 255}, then mean
     * {@code [0.485, 0.456, 0.406]}, std {@code [0.229, 0.224, 0.225]}; RGB, NCHW, size kept.
     */
    public static Preprocessing imagenet() {
        return builder().divideBy(255f).mean(IMAGENET_MEAN).std(IMAGENET_STD).build();
    }

    /** Values in [-1, 1]: {@code (x / 255 - 0.5) / 0.5} (Inception, many GAN and CLIP-like exports); RGB, NCHW. */
    public static Preprocessing minusOneToOne() {
        return builder().divideBy(255f).mean(0.5f).std(0.5f).build();
    }

    /** Values in [0, 1]: {@code x / 255}; RGB, NCHW. */
    public static Preprocessing zeroToOne() {
        return builder().divideBy(255f).build();
    }

    /** Raw pixel values 0..255; RGB, NCHW. */
    public static Preprocessing raw() {
        return builder().build();
    }

    /** A builder starting from {@link #raw()}: no resize, no crop, RGB, NCHW, divisor 1, mean 0, std 1. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these settings. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.width = width;
        b.height = height;
        b.shorterSide = shorterSide;
        b.cropWidth = cropWidth;
        b.cropHeight = cropHeight;
        b.channelOrder = channelOrder;
        b.layout = layout;
        b.grayscale = grayscale;
        b.divisor = divisor;
        b.mean = mean.clone();
        b.std = std.clone();
        return b;
    }

    /** The same settings resizing to exactly {@code size} (any shorter-side resize is dropped). */
    public Preprocessing withSize(Size size) {
        return toBuilder().resize(size).build();
    }

    /**
     * The same settings resizing to exactly {@code width x height}, width first as {@link Size#of(int, int)} (any
     * shorter-side resize is dropped).
     */
    public Preprocessing withSize(int width, int height) {
        return toBuilder().resize(width, height).build();
    }

    /** The same settings with another channel order. */
    public Preprocessing withChannelOrder(ChannelOrder order) {
        return toBuilder().channelOrder(order).build();
    }

    /** The same settings with another layout. */
    public Preprocessing withLayout(TensorLayout layout) {
        return toBuilder().layout(layout).build();
    }

    /** Target width of the exact resize, or 0 when there is none. */
    public int width() {
        return width;
    }

    /** Target height of the exact resize, or 0 when there is none. */
    public int height() {
        return height;
    }

    /** Length of the shorter side after resizing, or 0 when there is no shorter-side resize. */
    public int shorterSide() {
        return shorterSide;
    }

    /** Centre-crop width, or 0 when there is no crop. */
    public int cropWidth() {
        return cropWidth;
    }

    /** Centre-crop height, or 0 when there is no crop. */
    public int cropHeight() {
        return cropHeight;
    }

    public ChannelOrder channelOrder() {
        return channelOrder;
    }

    public TensorLayout layout() {
        return layout;
    }

    /** True when the tensor has one grey channel rather than three colour channels. */
    public boolean grayscale() {
        return grayscale;
    }

    /** Number of channels in the tensor: 1 or 3. */
    public int channels() {
        return grayscale ? 1 : 3;
    }

    /** Pixel values are divided by this first (255 for [0, 1] inputs, 1 for raw). */
    public float divisor() {
        return divisor;
    }

    /** The per-channel means, in R, G, B order (one value means all channels). A copy. */
    public float[] mean() {
        return mean.clone();
    }

    /** The per-channel standard deviations, in R, G, B order (one value means all channels). A copy. */
    public float[] std() {
        return std.clone();
    }

    /** Normalises a 0..255 value of colour {@code rgbIndex} (0 red, 1 green, 2 blue; 0 for grey). */
    float normalise(int rgbIndex, float value) {
        float m = mean.length == 1 ? mean[0] : mean[rgbIndex];
        float s = std.length == 1 ? std[0] : std[rgbIndex];
        return (value / divisor - m) / s;
    }

    /** Inverse of {@link #normalise}: back to 0..255 (not clamped or rounded). */
    float denormalise(int rgbIndex, float value) {
        float m = mean.length == 1 ? mean[0] : mean[rgbIndex];
        float s = std.length == 1 ? std[0] : std[rgbIndex];
        return (value * s + m) * divisor;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Preprocessing p && width == p.width && height == p.height && shorterSide == p.shorterSide
                && cropWidth == p.cropWidth && cropHeight == p.cropHeight && channelOrder == p.channelOrder
                && layout == p.layout && grayscale == p.grayscale && Float.compare(divisor, p.divisor) == 0
                && Arrays.equals(mean, p.mean) && Arrays.equals(std, p.std);
    }

    @Override
    public int hashCode() {
        return Objects.hash(width, height, shorterSide, cropWidth, cropHeight, channelOrder, layout, grayscale, divisor,
                Arrays.hashCode(mean), Arrays.hashCode(std));
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Preprocessing[");
        if (width > 0) {
            sb.append("resize ").append(width).append('x').append(height).append(", ");
        } else if (shorterSide > 0) {
            sb.append("shorter side ").append(shorterSide).append(", ");
        }
        if (cropWidth > 0) {
            sb.append("centre crop ").append(cropWidth).append('x').append(cropHeight).append(", ");
        }
        return sb.append(grayscale ? "grey" : channelOrder).append(", ").append(layout)
                .append(", (x / ").append(divisor).append(" - ").append(Arrays.toString(mean))
                .append(") / ").append(Arrays.toString(std)).append(']').toString();
    }

    /** Collects settings; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private int width;
        private int height;
        private int shorterSide;
        private int cropWidth;
        private int cropHeight;
        private ChannelOrder channelOrder = ChannelOrder.RGB;
        private TensorLayout layout = TensorLayout.NCHW;
        private boolean grayscale;
        private float divisor = 1f;
        private float[] mean = {0f};
        private float[] std = {1f};

        private Builder() {
        }

        /** Resize to exactly {@code size} (replaces a shorter-side resize). */
        public Builder resize(Size size) {
            InvalidArgumentException.requireNonNull(size, "size");
            return resize(size.width(), size.height());
        }

        /** Resize to exactly {@code width x height}, width first (replaces a shorter-side resize). */
        public Builder resize(int width, int height) {
            this.width = positive(width, "width");
            this.height = positive(height, "height");
            this.shorterSide = 0;
            return this;
        }

        /** Resize keeping the aspect ratio so the shorter side is {@code size} (replaces an exact resize). */
        public Builder resizeShorterSide(int size) {
            this.shorterSide = positive(size, "shorter side");
            this.width = 0;
            this.height = 0;
            return this;
        }

        /** Keep the image's size (no resize). */
        public Builder keepSize() {
            this.width = 0;
            this.height = 0;
            this.shorterSide = 0;
            return this;
        }

        /** Crop the centre {@code size} after resizing. */
        public Builder centerCrop(Size size) {
            InvalidArgumentException.requireNonNull(size, "size");
            return centerCrop(size.width(), size.height());
        }

        /** Crop the centre {@code width x height} after resizing, width first. */
        public Builder centerCrop(int width, int height) {
            this.cropWidth = positive(width, "crop width");
            this.cropHeight = positive(height, "crop height");
            return this;
        }

        /** No centre crop. */
        public Builder noCrop() {
            this.cropWidth = 0;
            this.cropHeight = 0;
            return this;
        }

        public Builder channelOrder(ChannelOrder order) {
            this.channelOrder = InvalidArgumentException.requireNonNull(order, "order");
            return this;
        }

        public Builder layout(TensorLayout layout) {
            this.layout = InvalidArgumentException.requireNonNull(layout, "layout");
            return this;
        }

        /** One grey channel instead of three colour channels. */
        public Builder grayscale(boolean grayscale) {
            this.grayscale = grayscale;
            return this;
        }

        /** Divide pixel values (0..255) by this before subtracting the mean: 255 for [0, 1], 1 for raw. */
        public Builder divideBy(float divisor) {
            if (!(divisor > 0) || !Float.isFinite(divisor)) {
                throw new InvalidArgumentException("divisor must be positive and finite, got " + divisor);
            }
            this.divisor = divisor;
            return this;
        }

        /** Per-channel means in R, G, B order (after the division), or one value for all channels. */
        public Builder mean(float... mean) {
            this.mean = InvalidArgumentException.requireNonNull(mean, "mean").clone();
            return this;
        }

        /** Per-channel standard deviations in R, G, B order, or one value for all channels. */
        public Builder std(float... std) {
            this.std = InvalidArgumentException.requireNonNull(std, "std").clone();
            return this;
        }

        /**
         * The preprocessing.
         *
         * @throws InvalidArgumentException if mean or std have neither 1 value nor one per channel, or a std is not
         *                                  positive, or a value is not finite
         */
        public Preprocessing build() {
            int channels = grayscale ? 1 : 3;
            checkPerChannel(mean, "mean", channels);
            checkPerChannel(std, "std", channels);
            for (float v : mean) {
                if (!Float.isFinite(v)) {
                    throw new InvalidArgumentException("mean values must be finite, got " + Arrays.toString(mean));
                }
            }
            for (float v : std) {
                if (!(v > 0) || !Float.isFinite(v)) {
                    throw new InvalidArgumentException("std values must be positive and finite, got "
                            + Arrays.toString(std));
                }
            }
            return new Preprocessing(this);
        }

        private static void checkPerChannel(float[] values, String name, int channels) {
            if (values.length != 1 && values.length != channels) {
                throw new InvalidArgumentException(name + " has " + values.length + " values " + Arrays.toString(values)
                        + " but the tensor has " + channels + (channels == 1 ? " (grey) channel" : " channels")
                        + "; give 1 value or " + channels);
            }
        }

        private static int positive(int v, String what) {
            if (v <= 0) {
                throw new InvalidArgumentException(what + " must be positive, got " + v);
            }
            return v;
        }
    }
}
