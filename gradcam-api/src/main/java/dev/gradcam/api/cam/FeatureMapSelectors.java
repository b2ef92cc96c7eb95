package dev.gradcam.api.cam;

import dev.gradcam.api.InvalidArgumentException;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Built-in {@link FeatureMapSelector}s. */
public final class FeatureMapSelectors {

    private FeatureMapSelectors() {
    }

    /** Every channel: plain Grad-CAM. */
    public static FeatureMapSelector all() {
        return s -> ChannelMask.all(s.channels());
    }

    /** Channels with a weight above zero. */
    public static FeatureMapSelector positive() {
        return s -> where(s, k -> s.weight(k) > 0);
    }

    /** Channels with a weight below zero. */
    public static FeatureMapSelector negative() {
        return s -> where(s, k -> s.weight(k) < 0);
    }

    /**
     * Channels whose weight lies in {@code [low, high]}.
     *
     * @throws InvalidArgumentException if {@code low > high} or a bound is NaN
     */
    public static FeatureMapSelector weightWindow(double low, double high) {
        if (!(low <= high)) {
            throw new InvalidArgumentException("window needs low <= high, got [" + low + ", " + high + "]");
        }
        return s -> where(s, k -> s.weight(k) >= low && s.weight(k) <= high);
    }

    /** Channels whose weight magnitude is at most {@code epsilon}: the "near zero" maps. */
    public static FeatureMapSelector nearZero(double epsilon) {
        if (!(epsilon >= 0)) {
            throw new InvalidArgumentException("epsilon must be >= 0, got " + epsilon);
        }
        return weightWindow(-epsilon, epsilon);
    }

    /** The {@code k} channels ranked highest (ties broken by lower index); all if fewer exist. */
    public static FeatureMapSelector topK(int k, Ranking by) {
        if (k < 0) {
            throw new InvalidArgumentException("k must be >= 0, got " + k);
        }
        return s -> top(s, Math.min(k, s.channels()), by);
    }

    /** The top {@code fraction} of channels (rounded up), ranked by {@code by}. */
    public static FeatureMapSelector topFraction(double fraction, Ranking by) {
        if (!(fraction >= 0 && fraction <= 1)) {
            throw new InvalidArgumentException("fraction must be in [0, 1], got " + fraction);
        }
        return s -> top(s, (int) Math.ceil(fraction * s.channels()), by);
    }

    /** Exactly these channel indices. */
    public static FeatureMapSelector indices(int... channels) {
        InvalidArgumentException.requireNonNull(channels, "channels");
        int[] copy = channels.clone();
        for (int c : copy) {
            InvalidArgumentException.check(c >= 0, "channel indices must be >= 0, got " + Arrays.toString(copy));
        }
        return new FeatureMapSelector() {
            @Override
            public ChannelMask select(ChannelStats s) {
                return ChannelMask.indices(s.channels(), copy);
            }

            @Override
            public void checkChannels(int count, String layer) {
                for (int c : copy) {
                    InvalidArgumentException.check(c < count, "selector indices" + Arrays.toString(copy)
                            + ": channel " + c + " does not exist; layer " + layer + " has channels 0.." + (count - 1));
                }
            }
        };
    }

    private interface ChannelTest {
        boolean test(int k);
    }

    private static ChannelMask where(ChannelStats s, ChannelTest test) {
        boolean[] b = new boolean[s.channels()];
        for (int k = 0; k < b.length; k++) {
            b[k] = test.test(k);
        }
        return ChannelMask.of(b);
    }

    private static ChannelMask top(ChannelStats s, int k, Ranking by) {
        Integer[] order = IntStream.range(0, s.channels()).boxed().toArray(Integer[]::new);
        Arrays.sort(order, Comparator.comparingDouble((Integer c) -> -s.value(by, c)).thenComparingInt(c -> c));
        boolean[] b = new boolean[s.channels()];
        for (int i = 0; i < k; i++) {
            b[order[i]] = true;
        }
        return ChannelMask.of(b);
    }
}
