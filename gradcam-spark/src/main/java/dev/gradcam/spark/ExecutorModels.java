package dev.gradcam.spark;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Models;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models loaded in this JVM (an executor, or the driver in local mode): one per model file and backend settings,
 * shared by every task that runs here (models are thread-safe) and closed when the JVM shuts down or the local
 * application ends.
 */
final class ExecutorModels {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorModels.class);
    private static final Map<Key, DifferentiableModel> MODELS = new ConcurrentHashMap<>();
    private static final AtomicInteger LOADS = new AtomicInteger();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ExecutorModels::closeAll, "gradcam-spark-models-close"));
    }

    private ExecutorModels() {
    }

    /** The model loaded from this file with these settings, loading it on first use. */
    static DifferentiableModel get(Path file, String backend, Map<String, String> options) {
        return MODELS.computeIfAbsent(new Key(file.toAbsolutePath().toString(), backend, Map.copyOf(options)), k -> {
            long t0 = System.nanoTime();
            DifferentiableModel model = Models.load(file, backend, options);
            LOADS.incrementAndGet();
            LOG.info("gradcam: loaded {} on {} ({} ms, options {})", file.getFileName(), model.executionProvider(),
                    (System.nanoTime() - t0) / 1_000_000, options);
            return model;
        });
    }

    /** How many models this JVM has loaded since it started. */
    static int loads() {
        return LOADS.get();
    }

    /** How many models are loaded now. */
    static int open() {
        return MODELS.size();
    }

    /** Closes and forgets every model; the next {@link #get} loads again. */
    static void closeAll() {
        for (Key k : MODELS.keySet()) {
            DifferentiableModel m = MODELS.remove(k);
            if (m != null) {
                m.close();
            }
        }
    }

    private record Key(String file, String backend, Map<String, String> options) {
    }
}
