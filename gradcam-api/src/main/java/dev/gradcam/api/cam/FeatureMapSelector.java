package dev.gradcam.api.cam;

import java.util.Objects;

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

    /** Channels both selectors keep. */
    default FeatureMapSelector and(FeatureMapSelector other) {
        Objects.requireNonNull(other, "other");
        return s -> select(s).and(other.select(s));
    }

    /** Channels either selector keeps. */
    default FeatureMapSelector or(FeatureMapSelector other) {
        Objects.requireNonNull(other, "other");
        return s -> select(s).or(other.select(s));
    }

    /** Channels this selector drops. */
    default FeatureMapSelector negate() {
        return s -> select(s).not();
    }
}
