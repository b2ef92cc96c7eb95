package dev.gradcam.cli;

import dev.gradcam.api.GradCamException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs output tasks (rendering and encoding pictures, writing files) on one background thread, in submission order,
 * at most {@code depth} waiting, so that the next batch is explained while this one is written and memory stays
 * bounded. The first failure stops the queue: later tasks are skipped and the failure is thrown, as the same
 * exception, by the next {@link #submit} or by {@link #await}. What the tasks share needs no locking: they run one
 * at a time, and {@link #await} and {@link #close} return only after the last one finished.
 */
final class WriteQueue implements AutoCloseable {

    private final ExecutorService executor;
    private final Semaphore slots;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    /**
     * @param name  the background thread's name
     * @param depth tasks waiting at most (>= 1); {@link #submit} blocks beyond that
     */
    WriteQueue(String name, int depth) {
        this.slots = new Semaphore(depth);
        this.executor = BackgroundThreads.pool(name, 1);
    }

    /** Queues a task, waiting while {@code depth} tasks wait; throws an earlier task's failure instead. */
    void submit(Runnable task) {
        throwFailure();
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradCamException("interrupted while waiting to write results", e);
        }
        executor.execute(() -> {
            try {
                if (failure.get() == null) {
                    task.run();
                }
            } catch (Throwable t) { // OutOfMemoryError included: reported at the CLI boundary
                failure.compareAndSet(null, t);
            } finally {
                slots.release();
            }
        });
    }

    /** Waits until every queued task ran; throws the first failure. */
    void await() {
        stop();
        throwFailure();
    }

    /**
     * Waits until the queued tasks ran, without throwing their failure: after a failure elsewhere (a corrupt image,
     * say), the batches explained before it are still written, as in a sequential loop, and the caller lists them.
     * Idempotent.
     */
    @Override
    public void close() {
        stop();
    }

    private void stop() {
        BackgroundThreads.finish(executor); // the running task must finish: what it wrote is listed afterwards
    }

    private void throwFailure() {
        Throwable t = failure.get();
        if (t != null) {
            throw Prefetcher.rethrow(t);
        }
    }
}
