package dev.gradcam.onnx.runtime;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gradcam.onnx.grad.CompiledGraph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime sessions for the compile-cache entries that the previous process used first with the same model
 * file, loaded on a background thread while this process reads and checks the model: on a warm start ONNX Runtime's
 * load of the optimised graph overlaps gradcam's own parsing instead of following it.
 *
 * <p>A preloaded session is only handed out for exactly the compile-cache key a pass computes, so it is as correct as
 * any cache hit; one no pass asks for stays unused and is closed with the model. Failures only cost the preload: the
 * pass then loads or compiles as without it. Thread-safe; close is idempotent.
 */
final class Preload implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Preload.class);

    /** A loaded entry: the compiled graph's names and inputs, and ONNX Runtime's session of its optimised graph. */
    record Session(CompiledGraph graph, List<GraphInput> inputs, OrtSession session) {
    }

    /** Loads one entry, or returns null when it is gone or damaged. */
    interface Loader {
        Session load(String key) throws OrtException;
    }

    /** Key to its session, in load order; complete once the keys are known. */
    private final CompletableFuture<Map<String, CompletableFuture<Session>>> planned = new CompletableFuture<>();
    private volatile boolean closed;

    private Preload() {
    }

    /**
     * Starts loading on a daemon thread.
     *
     * @param keys   which compile-cache keys to load, in order (runs on the background thread)
     * @param loader loads one of them
     */
    static Preload start(Callable<List<String>> keys, Loader loader) {
        Preload p = new Preload();
        Thread t = new Thread(() -> p.run(keys, loader), "gradcam-compile-cache-preload");
        t.setDaemon(true);
        t.start();
        return p;
    }

    private void run(Callable<List<String>> keys, Loader loader) {
        Map<String, CompletableFuture<Session>> plan = new LinkedHashMap<>();
        List<Map.Entry<String, CompletableFuture<Session>>> order;
        try {
            for (String k : keys.call()) {
                plan.put(k, new CompletableFuture<>());
            }
        } catch (Exception | LinkageError e) {
            LOG.debug("no compile-cache preload: {}", e.toString());
        } finally {
            // The order is copied before the plan is published: take() and close() remove from it from then on.
            order = List.copyOf(plan.entrySet());
            planned.complete(plan); // even after an Error: nobody may wait forever
        }
        try {
            for (Map.Entry<String, CompletableFuture<Session>> e : order) {
                Session s = null;
                if (!closed) {
                    long start = System.nanoTime();
                    try {
                        s = loader.load(e.getKey());
                        LOG.debug("preloaded compile-cache entry {} in {} ms", e.getKey(),
                                (System.nanoTime() - start) / 1_000_000);
                    } catch (OrtException | RuntimeException | LinkageError ex) {
                        LOG.debug("could not preload compile-cache entry {}: {}", e.getKey(), ex.toString());
                    } finally {
                        e.getValue().complete(s);
                    }
                }
            }
        } finally {
            for (Map.Entry<String, CompletableFuture<Session>> e : order) {
                e.getValue().complete(null); // closed before it was loaded, or an Error (no-op when loaded)
            }
        }
    }

    /**
     * The preloaded session for {@code key}, waiting for it if it is still loading; the caller owns (and closes) it.
     * Null when {@code key} was not preloaded, could not be, or was taken before.
     */
    Session take(String key) {
        if (closed) {
            return null;
        }
        Map<String, CompletableFuture<Session>> plan = planned.join();
        CompletableFuture<Session> f;
        synchronized (plan) {
            f = plan.remove(key);
        }
        return f == null ? null : f.join();
    }

    /** Closes every session no pass took, after waiting for the one loading now. */
    @Override
    public void close() {
        closed = true;
        Map<String, CompletableFuture<Session>> plan = planned.join();
        List<CompletableFuture<Session>> left;
        synchronized (plan) {
            left = List.copyOf(plan.values());
            plan.clear();
        }
        for (CompletableFuture<Session> f : left) {
            Session s = f.join();
            if (s != null) {
                try {
                    s.session().close();
                } catch (OrtException e) {
                    LOG.debug("could not close a preloaded session: {}", e.toString());
                }
            }
        }
    }
}
