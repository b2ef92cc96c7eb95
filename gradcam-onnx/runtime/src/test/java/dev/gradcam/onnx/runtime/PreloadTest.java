package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The background preload's hand-over: no caller waits forever, whatever the timing. */
class PreloadTest {

    @Test
    void aCloseRightAfterTheStartNeverWaitsForever() {
        // A warm start that needs no pass closes at once: the close used to be able to empty the plan before the
        // preload thread had read it, leaving the close waiting for sessions nobody would load.
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (int i = 0; i < 300; i++) {
                Preload p = Preload.start(() -> List.of("a", "b"), key -> null);
                if (i % 2 == 0) {
                    assertNull(p.take("a"));
                }
                p.close();
            }
        });
    }
}
