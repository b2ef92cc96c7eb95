package dev.gradcam.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explanation;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.cam.ChannelStats;
import dev.gradcam.api.cam.FeatureMapSelector;
import dev.gradcam.api.cam.FeatureMapSelectorContract;
import dev.gradcam.cli.demo.DemoImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class Example02_CustomFeatureMapSelectorTest {

    @TempDir
    Path dir;

    @Test
    void writesOneStripWithEverySelector() throws Exception {
        Map<String, Explanation> maps = Example02_CustomFeatureMapSelector.run(DemoImages.upright(), dir);
        assertEquals(List.of("all", "positive", "negative", "near zero", "top 10 contributors"),
                List.copyOf(maps.keySet()));
        assertTrue(Files.size(dir.resolve("selectors.png")) > 0);
        int all = maps.get("all").mask(0).count();
        assertEquals(200, all, "the classifier's layer has 200 channels");
        assertTrue(maps.get("positive").mask(0).count() + maps.get("negative").mask(0).count() <= all);
        assertTrue(maps.get("positive").mask(0).count() > 0 && maps.get("negative").mask(0).count() > 0);
        for (Explanation e : maps.values()) {
            assertTrue(e.heatmaps().allFinite());
        }
    }

    @Test
    void topContributorsRankByWeightTimesActivation() {
        // contributions: 1*0.1 = 0.1, 0.5*4 = 2, 2*0 = 0, -3*1 = -3, 0.3*2 = 0.6
        ChannelStats s = new ChannelStats(0, new float[] {1f, 0.5f, 2f, -3f, 0.3f},
                new float[] {0.1f, 4f, 0f, 1f, 2f}, new float[5], new float[5]);
        assertEquals(List.of(1, 4), indices(new TopContributingChannels(2).select(s)));
        assertEquals(List.of(0, 1, 4), indices(new TopContributingChannels(5).select(s)), "positive ones only");
        assertThrows(IllegalArgumentException.class, () -> new TopContributingChannels(-1));
    }

    /** The selector keeps the contract every selector must keep. */
    @Nested
    class Contract implements FeatureMapSelectorContract {
        @Override
        public FeatureMapSelector selector() {
            return new TopContributingChannels(10);
        }
    }

    private static List<Integer> indices(ChannelMask m) {
        return java.util.Arrays.stream(m.indices()).boxed().toList();
    }
}
