package dev.gradcam.onnx.runtime;

import dev.gradcam.api.ResourceClosedException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

/**
 * A bounded, least-recently-used cache of compiled variants, safe for many threads: each variant is built once even
 * when many threads ask for it at the same time, and an evicted variant is closed only when the last run using it
 * has finished.
 */
final class VariantCache implements AutoCloseable {

    private final int capacity;
    private final String owner;
    private final LinkedHashMap<Object, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
    private boolean closed;

    VariantCache(int capacity, String owner) {
        this.capacity = capacity;
        this.owner = owner;
    }

    /** A variant in use; release it when the run is done. */
    final class Lease implements AutoCloseable {
        private final Entry entry;
        private final Variant variant;

        Lease(Entry entry, Variant variant) {
            this.entry = entry;
            this.variant = variant;
        }

        Variant variant() {
            return variant;
        }

        @Override
        public void close() {
            release(entry);
        }
    }

    private static final class Entry {
        final CompletableFuture<Variant> future = new CompletableFuture<>();
        int users;
        boolean evicted;
    }

    /**
     * The variant for {@code key}, built by {@code factory} if absent.
     *
     * @throws ResourceClosedException if the cache is closed
     */
    Lease acquire(Object key, Supplier<Variant> factory) {
        Entry e;
        boolean build = false;
        synchronized (this) {
            if (closed) {
                throw new ResourceClosedException(owner);
            }
            e = entries.get(key);
            if (e == null) {
                e = new Entry();
                entries.put(key, e);
                build = true;
                evictOverflow();
            }
            e.users++;
        }
        if (build) {
            try {
                e.future.complete(factory.get());
            } catch (RuntimeException | Error ex) {
                e.future.completeExceptionally(ex);
                synchronized (this) {
                    entries.remove(key, e);
                }
            }
        }
        try {
            return new Lease(e, e.future.get());
        } catch (ExecutionException ex) {
            release(e);
            Throwable cause = ex.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw (Error) cause;
        } catch (InterruptedException ex) {
            release(e);
            Thread.currentThread().interrupt();
            throw new dev.gradcam.api.BackendExecutionException("interrupted while waiting for a variant to compile", ex);
        }
    }

    private void evictOverflow() {
        Iterator<Map.Entry<Object, Entry>> it = entries.entrySet().iterator();
        while (entries.size() > capacity && it.hasNext()) {
            Entry old = it.next().getValue();
            it.remove();
            old.evicted = true;
            closeIfIdle(old);
        }
    }

    private synchronized void release(Entry e) {
        e.users--;
        closeIfIdle(e);
    }

    private void closeIfIdle(Entry e) {
        if (e.evicted && e.users == 0 && e.future.isDone() && !e.future.isCompletedExceptionally()) {
            e.future.join().close();
        }
    }

    /** Number of variants held. */
    synchronized int size() {
        return entries.size();
    }

    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(entries.values());
            entries.clear();
            for (Entry e : all) {
                e.evicted = true;
                closeIfIdle(e);
            }
        }
    }
}
