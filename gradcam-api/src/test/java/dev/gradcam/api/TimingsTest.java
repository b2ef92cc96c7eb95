package dev.gradcam.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.saliency.Attribution;
import dev.gradcam.api.saliency.Saliency;
import dev.gradcam.api.testing.InMemoryCnn;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimingsTest {

    @Test
    void printsMillisecondsPeopleCanRead() {
        Timings t = new Timings(Duration.ofNanos(61_234_567), Duration.ofMillis(3), Duration.ofNanos(1_050_000),
                Duration.ofNanos(65_300_000));
        assertEquals("backend 61.2 ms, maps 3.0 ms, post-processing 1.1 ms, total 65.3 ms", t.toString());
        assertEquals("645.0 ms", Timings.millis(Duration.ofMillis(645)));
        assertEquals("-", Timings.millis(null));
    }

    @Test
    void resultsPrintTheirTimesInMilliseconds() {
        try (InMemoryCnn model = InMemoryCnn.random(1, 3, 4, 5, 6, 6)) {
            Explanation e = Explainer.gradCam(model).layer(InMemoryCnn.RELU).build().explain(model.randomInput(2, 1));
            assertTrue(e.toString().matches("Explanation\\[grad-cam at \\S+, heatmaps \\[1, 6, 6]; backend \\d+\\.\\d "
                    + "ms, maps \\d+\\.\\d ms, post-processing \\d+\\.\\d ms, total \\d+\\.\\d ms]"), e.toString());
            Attribution a = Saliency.vanilla(model).attribute(model.randomInput(3, 1));
            assertTrue(a.toString().matches("Attribution\\[.+, attributions \\[1, 3, 6, 6], \\d+\\.\\d ms]"),
                    a.toString());
            assertFalse(a.toString().contains("PT"));
        }
    }
}
