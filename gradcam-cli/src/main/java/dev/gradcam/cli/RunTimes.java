package dev.gradcam.cli;

import java.time.Duration;
import java.util.Map;

/**
 * A run's clock for its summary: the whole run's wall time, and how long after the tool's {@code main} began its
 * first pass started ({@code startupMs}, the start-up a user waits for; absent when the tool runs embedded, not from
 * {@link GradcamCli#main}).
 *
 * @param wall    the whole run's wall-clock time, loading included
 * @param startup from {@code main} to the first pass, or null
 */
record RunTimes(Duration wall, Duration startup) {

    private static final long NOT_FROM_MAIN = Long.MIN_VALUE;

    private static volatile long mainStarted = NOT_FROM_MAIN;

    /** Called first thing in {@link GradcamCli#main}. */
    static void mainStarted() {
        mainStarted = System.nanoTime();
    }

    /**
     * The times of a run that started at {@code start} and began its first pass at {@code firstPass} (both
     * {@link System#nanoTime()}), ending now.
     */
    static RunTimes of(long start, long firstPass) {
        long m = mainStarted;
        return new RunTimes(Duration.ofNanos(System.nanoTime() - start),
                m == NOT_FROM_MAIN ? null : Duration.ofNanos(firstPass - m));
    }

    /** Adds {@code wallMs} and, when known, {@code startupMs} to a summary's timings. */
    void putInto(Map<String, Object> timings) {
        timings.put("wallMs", ResultWriter.millis(wall));
        if (startup != null) {
            timings.put("startupMs", ResultWriter.millis(startup));
        }
    }
}
