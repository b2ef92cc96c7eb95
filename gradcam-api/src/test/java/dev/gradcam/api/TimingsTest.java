package dev.gradcam.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TimingsTest {

    @Test
    void printsMillisecondsPeopleCanRead() {
        Timings t = new Timings(Duration.ofNanos(61_234_567), Duration.ofMillis(3), Duration.ofNanos(1_050_000),
                Duration.ofNanos(65_300_000));
        assertEquals("backend 61.2 ms, maps 3.0 ms, post-processing 1.1 ms, total 65.3 ms", t.toString());
    }
}
