package dev.gradcam.api.cam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * What every {@link FeatureMapSelector} must do; implement this interface in a test of your own selector (it ships in
 * gradcam-api's test jar). Checks: a mask of the right size for any channel count, the same answer for the same
 * statistics (no hidden state), no failure on degenerate statistics (all zero, one channel, NaN-free extremes).
 */
public interface FeatureMapSelectorContract {

    /** The selector under test. */
    FeatureMapSelector selector();

    private static ChannelStats randomStats(int k, long seed) {
        Random r = new Random(seed);
        float[] w = new float[k];
        float[] a = new float[k];
        float[] g = new float[k];
        float[] e = new float[k];
        for (int i = 0; i < k; i++) {
            w[i] = (float) r.nextGaussian();
            a[i] = (float) Math.abs(r.nextGaussian());
            g[i] = (float) r.nextGaussian();
            e[i] = a[i] * a[i] + (float) r.nextDouble();
        }
        return new ChannelStats(0, w, a, g, e);
    }

    @Test
    default void returnsOneFlagPerChannel() {
        for (int k : new int[] {1, 2, 7, 64, 2048}) {
            ChannelMask mask = selector().select(randomStats(k, k));
            assertNotNull(mask, "selector returned null for " + k + " channels");
            assertEquals(k, mask.channels(), "mask size for " + k + " channels");
        }
    }

    @Test
    default void isDeterministic() {
        ChannelStats s = randomStats(32, 7);
        assertEquals(selector().select(s), selector().select(s), "same statistics, same mask");
    }

    @Test
    default void handlesAllZeroStatistics() {
        float[] z = new float[16];
        ChannelMask mask = selector().select(new ChannelStats(0, z, z, z, z));
        assertEquals(16, mask.channels());
    }
}
