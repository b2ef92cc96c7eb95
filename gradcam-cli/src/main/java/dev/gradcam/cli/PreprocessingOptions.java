package dev.gradcam.cli;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.image.ChannelOrder;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.image.TensorLayout;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.Shape;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** How image files become input tensors: {@code --size}, {@code --normalize}, {@code --channel-order}, ... */
final class PreprocessingOptions {

    @Option(names = "--size", paramLabel = "WxH", converter = SizeConverter.class,
            description = "Resize images to WIDTHxHEIGHT (default: the model's input size when fixed, else "
                    + "the image's own).")
    ImageSize size;

    @Option(names = "--normalize", paramLabel = "PRESET", defaultValue = "imagenet",
            description = "Pixel values: imagenet, minus-one-to-one, zero-to-one or raw (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--channel-order", paramLabel = "ORDER", defaultValue = "rgb",
            description = "rgb or bgr (default: ${DEFAULT-VALUE}).")
    String channelOrder;

    @Option(names = "--layout", paramLabel = "LAYOUT", defaultValue = "nchw",
            description = "nchw or nhwc (default: ${DEFAULT-VALUE}).")
    String layout;

    @Option(names = "--grayscale", description = "Feed one grey channel instead of three.")
    boolean grayscale;

    /**
     * The preprocessing these options describe, sized to the model's input when no {@code --size} is given and
     * the input's height and width are fixed.
     *
     * @throws IllegalArgumentException for an unknown preset, order or layout
     */
    Preprocessing build(ValueInfo modelInput) {
        Preprocessing p = switch (normalize.toLowerCase(Locale.ROOT)) {
            case "imagenet" -> Preprocessing.imagenet();
            case "minus-one-to-one" -> Preprocessing.minusOneToOne();
            case "zero-to-one" -> Preprocessing.zeroToOne();
            case "raw" -> Preprocessing.raw();
            default -> throw new IllegalArgumentException("unknown --normalize preset '" + normalize
                    + "'; use imagenet, minus-one-to-one, zero-to-one or raw");
        };
        ChannelOrder order = parse(ChannelOrder.class, channelOrder, "--channel-order", "rgb or bgr");
        TensorLayout l = parse(TensorLayout.class, layout, "--layout", "nchw or nhwc");
        Preprocessing.Builder b = p.toBuilder()
                .channelOrder(order)
                .layout(l)
                .grayscale(grayscale);
        long[] fixed = fixedSize(modelInput, l);
        if (size != null) {
            // Checked before any image is read or resized: a huge --size on a fixed-size model fails at once.
            if (fixed != null && (size.width() != fixed[0] || size.height() != fixed[1])) {
                throw new IllegalArgumentException("--size " + size.width() + "x" + size.height() + " does not fit "
                        + "the model's fixed input of " + fixed[0] + "x" + fixed[1] + " (width x height); leave "
                        + "--size out to resize images to it");
            }
            b.resize(size.width(), size.height());
        } else if (modelInput != null) {
            Shape s = modelInput.shape();
            if (s.rank() == 4) {
                long h = s.dim(l == TensorLayout.NCHW ? 2 : 1);
                long w = s.dim(l == TensorLayout.NCHW ? 3 : 2);
                if (h > 0 && w > 0) {
                    b.resize((int) w, (int) h);
                }
            }
        }
        return b.build();
    }

    /** The model input's fixed {width, height}, or null when either is dynamic or the input is not 4-D. */
    private static long[] fixedSize(ValueInfo modelInput, TensorLayout l) {
        if (modelInput == null || modelInput.shape().rank() != 4) {
            return null;
        }
        Shape s = modelInput.shape();
        long h = s.dim(l == TensorLayout.NCHW ? 2 : 1);
        long w = s.dim(l == TensorLayout.NCHW ? 3 : 2);
        return h > 0 && w > 0 ? new long[] {w, h} : null;
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String option, String allowed) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | InvalidArgumentException e) {
            throw new IllegalArgumentException("unknown " + option + " '" + value + "'; use " + allowed);
        }
    }

    /** A target image size in pixels. */
    record ImageSize(int width, int height) {
    }

    /** Parses {@code WIDTHxHEIGHT}. */
    static final class SizeConverter implements ITypeConverter<ImageSize> {
        @Override
        public ImageSize convert(String value) {
            String[] p = value.toLowerCase(Locale.ROOT).split("x");
            try {
                if (p.length == 2) {
                    int w = Integer.parseInt(p[0].strip());
                    int h = Integer.parseInt(p[1].strip());
                    if (w > 0 && h > 0 && (long) w * h > Images.maxPixels()) {
                        throw new TypeConversionException("--size " + value + " is " + (long) w * h + " pixels, "
                                + "above the limit of " + Images.maxPixels() + " (gradcam.maxImagePixels)");
                    }
                    if (w > 0 && h > 0) {
                        return new ImageSize(w, h);
                    }
                }
            } catch (NumberFormatException e) {
                // fall through to the message below
            }
            throw new TypeConversionException("'" + value + "' is not a size; use WIDTHxHEIGHT, e.g. 224x224");
        }
    }
}
