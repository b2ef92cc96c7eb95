package dev.gradcam.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** What {@code gradcam explain} writes for one family of methods: files per batch, then a summary. */
interface RunWriter extends AutoCloseable {

    /**
     * Writes the arrays and the summary, with {@code header} first in the summary.
     *
     * @param times the run's wall-clock time, loading included, and its start-up
     * @return the summary file
     */
    Path finish(Map<String, Object> header, RunTimes times);

    /** Every file written so far. */
    List<Path> written();

    /** The diagnostics collected so far. */
    List<String> diagnostics();

    /** Deletes what waits for {@link #finish}; idempotent. */
    @Override
    void close();
}
