package dev.gradcam.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The summary's clock: wallMs always, startupMs only when the run started from the tool's main. */
class RunTimesTest {

    @Test
    void startupIsWrittenOnlyWhenKnown() {
        Map<String, Object> embedded = new LinkedHashMap<>();
        new RunTimes(Duration.ofMillis(1500), null).putInto(embedded);
        assertEquals(Map.of("wallMs", 1500.0), embedded);

        Map<String, Object> fromMain = new LinkedHashMap<>();
        new RunTimes(Duration.ofMillis(1500), Duration.ofNanos(420_250_000)).putInto(fromMain);
        assertEquals(Map.of("wallMs", 1500.0, "startupMs", 420.25), fromMain);
    }
}
