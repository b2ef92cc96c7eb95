package dev.gradcam.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class Example05_ServerLoopTest {

    @Test
    void servesConcurrentRequestsWithOneSharedModel() throws Exception {
        Example05_ServerLoop.Result r = Example05_ServerLoop.run(3, 9, 2);
        assertEquals(9, r.requests());
        assertEquals(18, r.images());
        assertEquals(18, r.correct(), "every orientation is right under concurrency");
        assertTrue(r.allFinite());
        assertTrue(r.imagesPerSecond() > 0 && r.p95Millis() >= r.p50Millis());
    }

    @Test
    void rejectsNonPositiveCounts() {
        assertThrows(IllegalArgumentException.class, () -> Example05_ServerLoop.run(0, 1, 1));
    }
}
