package dev.gradcam.cli;

import dev.gradcam.api.GradCamException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.IntFunction;

/**
 * Produces items {@code 0 .. count-1} on a background thread, at most {@code depth} ahead of the consumer, so that
 * reading and decoding the next batch overlaps with explaining this one while memory stays bounded. Items come out
 * in order; a failure while producing item i is thrown, as the same exception, by the {@link #next()} that would have
 * returned item i, so everything before it is still processed as in a sequential loop. Single consumer.
 *
 * @param <T> the item type
 */
final class Prefetcher<T> implements AutoCloseable {

    private record Failure(Throwable error) {
    }

    private final BlockingQueue<Object> ready;
    private final Thread thread;
    private final int count;
    private int taken;

    /**
     * @param name  the background thread's name
     * @param count items to produce
     * @param depth items produced ahead at most (>= 1)
     * @param load  produces item i; may throw
     */
    Prefetcher(String name, int count, int depth, IntFunction<T> load) {
        this.count = count;
        this.ready = new ArrayBlockingQueue<>(depth);
        this.thread = new Thread(() -> produce(count, load), name);
        thread.setDaemon(true);
        thread.start();
    }

    private void produce(int count, IntFunction<T> load) {
        for (int i = 0; i < count; i++) {
            Object item;
            try {
                item = load.apply(i);
            } catch (Throwable t) { // OutOfMemoryError included: the consumer reports it at the CLI boundary
                item = new Failure(t);
            }
            try {
                ready.put(item);
            } catch (InterruptedException e) {
                return; // closed
            }
            if (item instanceof Failure) {
                return;
            }
        }
    }

    /**
     * The next item, waiting for it if needed.
     *
     * @throws IllegalStateException when all {@code count} items were taken (a caller bug)
     */
    @SuppressWarnings("unchecked")
    T next() {
        if (taken >= count) {
            throw new IllegalStateException("all " + count + " items were taken");
        }
        Object item;
        try {
            item = ready.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GradCamException("interrupted while waiting for the next input batch", e);
        }
        taken++;
        if (item instanceof Failure f) {
            throw rethrow(f.error());
        }
        return (T) item;
    }

    static RuntimeException rethrow(Throwable error) {
        if (error instanceof RuntimeException r) {
            throw r;
        }
        if (error instanceof Error e) {
            throw e;
        }
        throw new GradCamException(error.toString(), error);
    }

    /** Stops producing and drops what was produced ahead; idempotent. */
    @Override
    public void close() {
        thread.interrupt();
        ready.clear();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
