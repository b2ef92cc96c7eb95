package dev.gradcam.api.method;

/**
 * Hears how far a long-running method has got, e.g. Score-CAM's masked forward passes. Called on the explaining
 * thread after each batch; keep it fast and do not throw. Implementations used from several explainers at once must
 * be thread-safe.
 */
@FunctionalInterface
public interface ProgressListener {

    /** A listener that ignores everything. */
    ProgressListener NONE = (task, done, total) -> { };

    /**
     * Reports progress.
     *
     * @param task  what is being done, e.g. {@code score-cam masked passes}
     * @param done  units finished so far
     * @param total units in all (done == total once finished)
     */
    void progress(String task, long done, long total);
}
