package dev.gradcam.api.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.InvalidArgumentException;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Built-in selectors on hand-made statistics, and the reusable contract applied to each. */
class FeatureMapSelectorsTest {

    // weights [0.5, -2, 0.01, 3, -0.02, 0]; energy [1, 9, 4, 0, 2, 5]
    private static final ChannelStats STATS = new ChannelStats(0,
            new float[] {0.5f, -2f, 0.01f, 3f, -0.02f, 0f},
            new float[] {1, 3, 2, 0, 1.4f, 2.2f},
            new float[] {0, 0, 0, 0, 0, 0},
            new float[] {1, 9, 4, 0, 2, 5});

    private static int[] picked(FeatureMapSelector s) {
        return s.select(STATS).indices();
    }

    @Test
    void signSelectors() {
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, picked(FeatureMapSelectors.all()));
        assertArrayEquals(new int[] {0, 2, 3}, picked(FeatureMapSelectors.positive()));
        assertArrayEquals(new int[] {1, 4}, picked(FeatureMapSelectors.negative()));
    }

    @Test
    void windows() {
        assertArrayEquals(new int[] {2, 4, 5}, picked(FeatureMapSelectors.nearZero(0.05)));
        assertArrayEquals(new int[] {0, 2, 5}, picked(FeatureMapSelectors.weightWindow(0, 1)));
        assertThrows(InvalidArgumentException.class, () -> FeatureMapSelectors.weightWindow(1, 0));
        assertThrows(InvalidArgumentException.class, () -> FeatureMapSelectors.nearZero(-1));
    }

    @Test
    void topKByEachRanking() {
        assertArrayEquals(new int[] {0, 3}, picked(FeatureMapSelectors.topK(2, Ranking.WEIGHT)));
        assertArrayEquals(new int[] {1, 3}, picked(FeatureMapSelectors.topK(2, Ranking.ABS_WEIGHT)));
        assertArrayEquals(new int[] {1, 5}, picked(FeatureMapSelectors.topK(2, Ranking.ENERGY)));
        assertArrayEquals(new int[] {1, 2, 5}, picked(FeatureMapSelectors.topK(3, Ranking.MEAN_ACTIVATION)));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, picked(FeatureMapSelectors.topK(99, Ranking.WEIGHT)));
        // ceil(0.5 * 6) = 3 largest |w|: 3, -2, 0.5
        assertArrayEquals(new int[] {0, 1, 3}, picked(FeatureMapSelectors.topFraction(0.5, Ranking.ABS_WEIGHT)));
        assertThrows(InvalidArgumentException.class, () -> FeatureMapSelectors.topFraction(1.5, Ranking.WEIGHT));
    }

    @Test
    void indicesAndCombinators() {
        assertArrayEquals(new int[] {1, 4}, picked(FeatureMapSelectors.indices(4, 1)));
        assertArrayEquals(new int[] {3},
                picked(FeatureMapSelectors.positive().and(FeatureMapSelectors.topK(1, Ranking.WEIGHT))));
        assertArrayEquals(new int[] {1, 2, 4, 5},
                picked(FeatureMapSelectors.negative().or(FeatureMapSelectors.nearZero(0.05))));
        assertArrayEquals(new int[] {1, 4, 5}, picked(FeatureMapSelectors.positive().negate()));
        assertThrows(InvalidArgumentException.class, () -> FeatureMapSelectors.indices(6).select(STATS));
    }

    @Nested
    class AllMeetsContract implements FeatureMapSelectorContract {
        @Override
        public FeatureMapSelector selector() {
            return FeatureMapSelectors.all();
        }
    }

    @Nested
    class NegativeMeetsContract implements FeatureMapSelectorContract {
        @Override
        public FeatureMapSelector selector() {
            return FeatureMapSelectors.negative();
        }
    }

    @Nested
    class NearZeroMeetsContract implements FeatureMapSelectorContract {
        @Override
        public FeatureMapSelector selector() {
            return FeatureMapSelectors.nearZero(0.1);
        }
    }

    @Nested
    class TopFractionByEnergyMeetsContract implements FeatureMapSelectorContract {
        @Override
        public FeatureMapSelector selector() {
            return FeatureMapSelectors.topFraction(0.25, Ranking.ENERGY).or(FeatureMapSelectors.positive());
        }
    }
}
