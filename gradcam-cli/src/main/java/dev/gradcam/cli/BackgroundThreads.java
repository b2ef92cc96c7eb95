package dev.gradcam.cli;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The tool's background threads: daemon threads (never keeping the JVM alive); the pipeline's pools are shut down by
 * waiting for their tasks.
 */
final class BackgroundThreads {

    private BackgroundThreads() {
    }

    /** {@code threads} daemon threads named {@code name}, or {@code name-1}, {@code name-2}, ... for several. */
    static ExecutorService pool(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        return Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, threads == 1 ? name : name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Runs {@code task} on a new daemon thread named {@code name}: work begun ahead of need, which a run that fails
     * first does not wait for. The future fails with the task's exception or error.
     */
    static <T> CompletableFuture<T> async(String name, Supplier<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(task.get());
            } catch (RuntimeException | Error e) {
                result.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return result;
    }

    /**
     * Shuts {@code pool} down and waits for its running and queued tasks, even when interrupted (the interrupt is
     * kept): a task is not cut short, because what it writes or what it runs on is used after this returns.
     */
    static void finish(ExecutorService pool) {
        pool.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
