package dev.gradcam.api.layer;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How a layer's values hold feature maps: channels first {@code [N, C, h, w]} (CNNs), channels last
 * {@code [N, h, w, C]} (Swin's norm outputs, ConvNeXt blocks) or tokens {@code [N, K + h*w, C]} with {@code K}
 * leading special tokens (ViT's class token; class and distillation tokens for DeiT) before an h x w grid of patch
 * tokens. Class-activation methods see every layout as channels first: {@link #toChannelsFirst} is the adapter at
 * the tap, {@link #fromChannelsFirst} its inverse for head execution. Immutable.
 */
public final class LayerLayout {

    /** The three ways feature maps are laid out. */
    public enum Kind {
        /** {@code [N, C, h, w]}. */
        CHANNELS_FIRST,
        /** {@code [N, h, w, C]}. */
        CHANNELS_LAST,
        /** {@code [N, K + h*w, C]}. */
        TOKENS
    }

    /** The most leading tokens a guess assumes (ViT 1, DeiT 2, register models 4 to 8). */
    static final int MAX_GUESSED_LEADING = 8;

    private final Kind kind;
    private final int leading;
    private final int height;
    private final int width;

    private LayerLayout(Kind kind, int leading, int height, int width) {
        this.kind = kind;
        this.leading = leading;
        this.height = height;
        this.width = width;
    }

    /** Channels first, the grid read from the values' shape. */
    public static LayerLayout channelsFirst() {
        return new LayerLayout(Kind.CHANNELS_FIRST, 0, 0, 0);
    }

    /** Channels last, the grid read from the values' shape. */
    public static LayerLayout channelsLast() {
        return new LayerLayout(Kind.CHANNELS_LAST, 0, 0, 0);
    }

    /**
     * Tokens with {@code leading} special tokens and a square grid of the rest.
     *
     * @throws InvalidArgumentException if {@code leading} is negative
     */
    public static LayerLayout tokens(int leading) {
        return tokens(leading, 0, 0);
    }

    /**
     * Tokens with {@code leading} special tokens and an h x w grid (0 x 0: square, from the token count).
     *
     * @throws InvalidArgumentException for negative sizes
     */
    public static LayerLayout tokens(int leading, int height, int width) {
        if (leading < 0 || height < 0 || width < 0) {
            throw new InvalidArgumentException("leading tokens and grid sizes must be >= 0, got " + leading + ", "
                    + height + "x" + width);
        }
        return new LayerLayout(Kind.TOKENS, leading, height, width);
    }

    /**
     * Parses what the CLI's {@code --layer-layout} takes: {@code nchw}, {@code nhwc}, {@code tokens} (one leading
     * token) or {@code tokens:K}; {@code auto} gives null (detect from the model).
     *
     * @throws InvalidInputException for anything else
     */
    public static LayerLayout parse(String text) {
        InvalidArgumentException.requireNonNull(text, "text");
        String t = text.trim().toLowerCase(Locale.ROOT);
        switch (t) {
            case "auto":
                return null;
            case "nchw":
                return channelsFirst();
            case "nhwc":
                return channelsLast();
            case "tokens":
                return tokens(1);
            default:
                break;
        }
        if (t.startsWith("tokens:")) {
            try {
                int k = Integer.parseInt(t.substring("tokens:".length()));
                if (k >= 0) {
                    return tokens(k);
                }
            } catch (NumberFormatException e) {
                // falls through to the message below
            }
        }
        throw new InvalidInputException("unknown layer layout '" + text + "': use auto, nchw, nhwc, tokens or "
                + "tokens:K (K leading tokens before the patch grid, e.g. tokens:2 for DeiT)");
    }

    /**
     * A guess from the layer's shape and operator, for backends that know nothing better: rank 3 is tokens (a
     * square grid after at most {@value #MAX_GUESSED_LEADING} leading tokens, or the grid of a channels-first layer
     * with as many channels, e.g. the patch embedding); rank 4 is channels last when it comes from a
     * LayerNormalization (normalising over the last axis) or when dims 1 and 2 agree and dim 3 is larger; otherwise
     * channels first. Null when the layer holds no feature maps.
     *
     * @param layers all layers of the model, where a token layer's grid may be found
     */
    public static LayerLayout guess(LayerInfo layer, List<LayerInfo> layers) {
        InvalidArgumentException.requireNonNull(layer, "layer");
        InvalidArgumentException.requireNonNull(layers, "layers");
        Shape s = layer.shape();
        if (s.rank() == 4) {
            boolean lastAxisNorm = layer.op().equals("LayerNormalization");
            // [N, 7, 7, 768] is Swin's; a CNN with fewer channels than its grid is wide ([N, 16, 16, 8]) is not.
            // A 1 x 1 "grid" says nothing: [N, 1, 1, W] is one channel of a 1 x W map far more often than 1 x 1 cells.
            boolean squareFirst = s.dim(1) > 1 && s.dim(1) == s.dim(2) && s.dim(3) > s.dim(1);
            return lastAxisNorm || squareFirst ? channelsLast() : channelsFirst();
        }
        if (s.rank() != 3 || s.dim(1) < 1 || s.dim(2) < 1) {
            return null;
        }
        long tokens = s.dim(1);
        long channels = s.dim(2);
        for (LayerInfo l : layers) {
            Shape p = l.shape();
            if (p.rank() == 4 && p.dim(1) == channels && p.dim(2) > 0 && p.dim(3) > 0) {
                long grid = p.dim(2) * p.dim(3);
                if (grid <= tokens && tokens - grid <= MAX_GUESSED_LEADING) {
                    return tokens((int) (tokens - grid), (int) p.dim(2), (int) p.dim(3));
                }
            }
        }
        for (int k = 0; k <= MAX_GUESSED_LEADING && k < tokens; k++) {
            long side = Math.round(Math.sqrt((double) (tokens - k)));
            if (side * side == tokens - k) {
                return tokens(k, (int) side, (int) side);
            }
        }
        return null;
    }

    public Kind kind() {
        return kind;
    }

    /** Leading special tokens (0 unless {@link Kind#TOKENS}). */
    public int leadingTokens() {
        return leading;
    }

    /** The grid height; 0 while unknown (before {@link #complete}, or a size only known at run time). */
    public int gridHeight() {
        return height;
    }

    /** The grid width; 0 while unknown (before {@link #complete}, or a size only known at run time). */
    public int gridWidth() {
        return width;
    }

    /**
     * This layout with its grid filled in from a layer's shape (batch may be dynamic; a grid whose sizes are only
     * known at run time stays open and is read from the values).
     *
     * @throws InvalidInputException if the shape does not fit the layout
     */
    public LayerLayout complete(LayerInfo layer) {
        InvalidArgumentException.requireNonNull(layer, "layer");
        return complete(layer.shape(), layer.describe());
    }

    private LayerLayout complete(Shape s, String what) {
        int want = kind == Kind.TOKENS ? 3 : 4;
        if (s.rank() != want) {
            throw new InvalidInputException("layer " + what + " cannot be read as " + describe() + ": that layout "
                    + "needs rank " + want + (kind == Kind.TOKENS ? " [N, K + h*w, C]"
                    : kind == Kind.CHANNELS_LAST ? " [N, h, w, C]" : " [N, C, h, w]"));
        }
        switch (kind) {
            case CHANNELS_FIRST:
                return new LayerLayout(kind, 0, size(s.dim(2)), size(s.dim(3)));
            case CHANNELS_LAST:
                return new LayerLayout(kind, 0, size(s.dim(1)), size(s.dim(2)));
            default:
                break;
        }
        if (s.dim(1) < 0) {
            return this;
        }
        long grid = s.dim(1) - leading;
        if (height > 0 && width > 0) {
            if ((long) height * width != grid) {
                throw new InvalidInputException("layer " + what + " has " + s.dim(1) + " tokens, not " + leading
                        + " leading + " + height + "x" + width);
            }
            return this;
        }
        long side = grid <= 0 ? -1 : Math.round(Math.sqrt((double) grid));
        if (side < 1 || side * side != grid) {
            throw new InvalidInputException("layer " + what + " has " + s.dim(1) + " tokens: after " + leading
                    + " leading token(s), " + grid + " is not a square grid; give the leading tokens as tokens:K "
                    + "(K = 1 for ViT's class token, 2 for DeiT's class and distillation tokens)");
        }
        return new LayerLayout(kind, leading, (int) side, (int) side);
    }

    private static int size(long dim) {
        return dim < 0 ? 0 : (int) dim;
    }

    /** This layout for values of the given shape: the grid of {@link #complete} where it was open. */
    private LayerLayout forValues(Shape s) {
        LayerLayout l = height > 0 && width > 0 ? this : complete(s, "values " + s);
        if (l.kind == Kind.TOKENS && s.rank() == 3 && s.dim(1) != l.leading + (long) l.height * l.width) {
            throw new InvalidInputException("values " + s + " do not hold " + l.describe());
        }
        return l;
    }

    /** Values of this layout as channels-first feature maps [N, C, h, w] (a copy). */
    public FloatTensor toChannelsFirst(FloatTensor values) {
        InvalidArgumentException.requireNonNull(values, "values");
        Shape s = values.shape();
        if (kind == Kind.CHANNELS_FIRST) {
            return values;
        }
        LayerLayout l = forValues(s);
        int n = s.intDim(0);
        int c = s.intDim(s.rank() - 1);
        int plane = l.height * l.width;
        int rows = kind == Kind.TOKENS ? s.intDim(1) : plane;
        float[] out = new float[n * c * plane];
        for (int i = 0; i < n; i++) {
            for (int p = 0; p < plane; p++) {
                int src = (i * rows + l.leading + p) * c;
                int dst = i * c * plane + p;
                for (int ch = 0; ch < c; ch++) {
                    out[dst + ch * plane] = values.getFlat(src + ch);
                }
            }
        }
        return FloatTensor.wrapOwned(Shape.of(n, c, l.height, l.width), out);
    }

    /**
     * Channels-first maps [B, C, h, w] back in this layout, for head execution. Token layouts need the leading
     * tokens [B, K, C] (or [1, K, C] for all rows), e.g. from {@link #leadingTokens(FloatTensor)} of the original
     * values.
     */
    public FloatTensor fromChannelsFirst(FloatTensor maps, FloatTensor leadingTokens) {
        InvalidArgumentException.requireNonNull(maps, "maps");
        if (kind == Kind.CHANNELS_FIRST) {
            return maps;
        }
        Shape s = maps.shape();
        int b = s.intDim(0);
        int c = s.intDim(1);
        int h = s.intDim(2);
        int w = s.intDim(3);
        int plane = h * w;
        int rows = plane + leading;
        float[] out = new float[b * rows * c];
        for (int i = 0; i < b; i++) {
            if (leading > 0) {
                int from = leadingTokens.shape().intDim(0) == 1 ? 0 : i;
                for (int q = 0; q < leading * c; q++) {
                    out[i * rows * c + q] = leadingTokens.getFlat(from * leading * c + q);
                }
            }
            for (int p = 0; p < plane; p++) {
                int dst = (i * rows + leading + p) * c;
                for (int ch = 0; ch < c; ch++) {
                    out[dst + ch] = maps.getFlat((i * c + ch) * plane + p);
                }
            }
        }
        Shape values = kind == Kind.TOKENS ? Shape.of(b, rows, c) : Shape.of(b, h, w, c);
        return FloatTensor.wrapOwned(values, out);
    }

    /** The leading tokens [N, K, C] of token-layout values (empty K for other layouts). */
    public FloatTensor leadingTokens(FloatTensor values) {
        InvalidArgumentException.requireNonNull(values, "values");
        Shape s = values.shape();
        int n = s.intDim(0);
        int c = s.intDim(s.rank() - 1);
        int k = kind == Kind.TOKENS ? leading : 0;
        float[] out = new float[n * k * c];
        for (int i = 0; i < n; i++) {
            for (int q = 0; q < k * c; q++) {
                out[i * k * c + q] = values.getFlat(i * s.intDim(1) * c + q);
            }
        }
        return FloatTensor.wrapOwned(Shape.of(n, k, c), out);
    }

    /** Like {@code nchw 7x7}, {@code nhwc 7x7} or {@code tokens 1+14x14} (grid {@code ?} until completed). */
    public String describe() {
        String grid = height > 0 ? height + "x" + width : "?";
        return switch (kind) {
            case CHANNELS_FIRST -> "nchw " + grid;
            case CHANNELS_LAST -> "nhwc " + grid;
            case TOKENS -> "tokens " + leading + "+" + grid;
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LayerLayout l && l.kind == kind && l.leading == leading && l.height == height
                && l.width == width;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, leading, height, width);
    }

    @Override
    public String toString() {
        return describe();
    }
}
