package dev.gradcam.examples;

import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.cam.ChannelStats;
import dev.gradcam.api.cam.FeatureMapSelector;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * A feature-map selector written as a user would: the {@code k} channels that add the most to the map, ranked by
 * their contribution {@code w_k * mean(A_k)} (weight times mean activation), which none of the built-in rankings
 * offers. A channel with a large weight but a silent feature map contributes little, and is left out.
 *
 * <p>Only channels with a positive contribution are kept, so fewer than {@code k} may be. Stateless and thread-safe,
 * as selectors must be; check your own with gradcam-api's {@code FeatureMapSelectorContract} (test jar).
 */
public final class TopContributingChannels implements FeatureMapSelector {

    private final int k;

    /**
     * @param k how many channels to keep at most
     * @throws IllegalArgumentException if {@code k} is negative
     */
    public TopContributingChannels(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        this.k = k;
    }

    @Override
    public ChannelMask select(ChannelStats stats) {
        int channels = stats.channels();
        double[] contribution = new double[channels];
        for (int c = 0; c < channels; c++) {
            contribution[c] = (double) stats.weight(c) * stats.meanActivation(c);
        }
        Integer[] order = IntStream.range(0, channels).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer c) -> -contribution[c]).thenComparingInt(c -> c));
        boolean[] keep = new boolean[channels];
        for (int i = 0; i < Math.min(k, channels) && contribution[order[i]] > 0; i++) {
            keep[order[i]] = true;
        }
        return ChannelMask.of(keep);
    }

    @Override
    public String toString() {
        return "top-" + k + "-contributing";
    }
}
