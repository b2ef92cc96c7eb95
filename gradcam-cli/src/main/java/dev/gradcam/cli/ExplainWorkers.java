package dev.gradcam.cli;

import dev.gradcam.api.GradCamException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * Runs up to {@code workers} tasks at once and hands their results back in the order they were submitted: while one
 * batch's maps are post-processed in Java, another batch's pass keeps the backend busy, and a thread that loses its
 * core for a moment to the reader or writer no longer stalls a pass split across every core. A failure is thrown, as
 * the same exception, by the {@link #next()} that would have returned that task's result, so results before it are
 * still handed out as in a sequential loop. With one worker, tasks run on the submitting thread. Single consumer.
 *
 * @param <T> what a task returns
 */
final class ExplainWorkers<T> implements AutoCloseable {

    private final int workers;
    private final ExecutorService pool;
    private final Deque<Future<T>> inFlight = new ArrayDeque<>();

    /**
     * @param name    the worker threads' name prefix
     * @param workers tasks run at once (>= 1)
     */
    ExplainWorkers(String name, int workers) {
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1, got " + workers);
        }
        this.workers = workers;
        this.pool = workers == 1 ? null : BackgroundThreads.pool(name, workers);
    }

    /** Starts a task; the caller takes results with {@link #next()} whenever {@link #full()}. */
    void submit(Supplier<T> task) {
        if (full()) {
            throw new IllegalStateException("all " + workers + " workers are busy: take a result first");
        }
        if (pool == null) {
            FutureTask<T> now = new FutureTask<>(task::get);
            now.run();
            inFlight.add(now);
        } else {
            inFlight.add(pool.submit(task::get));
        }
    }

    /** Whether every worker has a task whose result was not taken yet. */
    boolean full() {
        return inFlight.size() >= workers;
    }

    /** Whether every submitted task's result was taken. */
    boolean isEmpty() {
        return inFlight.isEmpty();
    }

    /**
     * The oldest task's result, waiting for it.
     *
     * @throws IllegalStateException if nothing is in flight (a caller bug)
     */
    T next() {
        Future<T> oldest = inFlight.poll();
        if (oldest == null) {
            throw new IllegalStateException("no task in flight");
        }
        try {
            return oldest.get();
        } catch (ExecutionException e) {
            throw Prefetcher.rethrow(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradCamException("interrupted while waiting for a batch to be explained", e);
        }
    }

    /**
     * Drops results not taken and waits for running tasks to finish (a pass is not interrupted: the model it runs on
     * is closed after this returns); idempotent.
     */
    @Override
    public void close() {
        inFlight.clear();
        if (pool == null) {
            return;
        }
        BackgroundThreads.finish(pool);
    }
}
