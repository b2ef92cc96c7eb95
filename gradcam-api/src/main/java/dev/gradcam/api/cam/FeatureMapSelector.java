package dev.gradcam.api.cam;

import dev.gradcam.api.InvalidArgumentException;


/**
 * Decides which feature maps of one image count towards its class-activation map.
 *
 * <p>The selector sees per-channel statistics and returns a mask; the map is then
 * {@code sum over selected k of w_k * A_k}. Write your own for questions such as "what do the negatively weighted
 * channels show?"; check it with the reusable {@code FeatureMapSelectorContract} from gradcam-api's test jar.
 * Implementations must be stateless and thread-safe and return a mask of {@link ChannelStats#channels()} channels.
 * Built-ins: {@link FeatureMapSelectors}.
 */
@FunctionalInterface
public interface FeatureMapSelector {

    /** The channels that contribute for this image. */
    ChannelMask select(ChannelStats stats);

    /**
     * Checks, when an explainer is built, that this selector can work on a layer of {@code channels} feature maps
     * (e.g. that fixed channel indices exist), so that a bad selector fails at {@code build()} rather than at the
     * first explanation. The default accepts any layer.
     *
     * @param channels the layer's channel count
     * @param layer    the layer, for the message
     * @throws dev.gradcam.api.InvalidArgumentException if the selector cannot apply to that layer
     */
    default void checkChannels(int channels, String layer) {
    }

    /** Channels both selectors keep. */
    default FeatureMapSelector and(FeatureMapSelector other) {
        InvalidArgumentException.requireNonNull(other, "other");
        return combined(this, other, s -> select(s).and(other.select(s)));
    }

    /** Channels either selector keeps. */
    default FeatureMapSelector or(FeatureMapSelector other) {
        InvalidArgumentException.requireNonNull(other, "other");
        return combined(this, other, s -> select(s).or(other.select(s)));
    }

    /** Channels this selector drops. */
    default FeatureMapSelector negate() {
        return combined(this, this, s -> select(s).not());
    }

    /** A selector made of two others: selects with {@code how}, checks with both. */
    private static FeatureMapSelector combined(FeatureMapSelector a, FeatureMapSelector b, FeatureMapSelector how) {
        return new FeatureMapSelector() {
            @Override
            public ChannelMask select(ChannelStats stats) {
                return how.select(stats);
            }

            @Override
            public void checkChannels(int channels, String layer) {
                a.checkChannels(channels, layer);
                b.checkChannels(channels, layer);
            }
        };
    }
}
