package dev.gradcam.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ONNX Runtime started on a background thread before the tool needs it: its unpacked copy ({@link OrtNativeCopy}),
 * native libraries and environment take about 0.15 s of a new JVM, which loading the model would otherwise wait for.
 * Started once per JVM and cache folder (each folder gets its copy; ONNX Runtime itself loads once, from the first),
 * and never required: loading the model {@link #await awaits} it if it was started, and a failure is left for the
 * backend to report.
 */
final class OnnxRuntimeStart {

    /** The commands whose model may run on ONNX Runtime. */
    private static final Set<String> MODEL_COMMANDS = Set.of("layers", "explain", "evaluate");

    /** The starts by cache folder ("null" for none). */
    private static final Map<String, CompletableFuture<Void>> STARTED = new ConcurrentHashMap<>();

    private OnnxRuntimeStart() {
    }

    /**
     * Starts ONNX Runtime with its unpacked copy in {@code cacheDir} (null: ONNX Runtime's own temporary copy), unless
     * it was started for that folder already.
     */
    static void start(Path cacheDir) {
        STARTED.computeIfAbsent(String.valueOf(cacheDir), k -> launch(cacheDir));
    }

    private static CompletableFuture<Void> launch(Path cacheDir) {
        return BackgroundThreads.async("gradcam-onnxruntime-start", () -> {
            try {
                OrtNativeCopy.use(cacheDir, OnnxRuntimeStart.class.getClassLoader());
                ai.onnxruntime.OrtEnvironment.getEnvironment();
            } catch (RuntimeException | LinkageError e) {
                // reported by the backend when it is chosen, as without the head start
            }
            return null;
        });
    }

    /**
     * Waits for the start for {@code cacheDir}, if there was one.
     *
     * @return whether there was one
     */
    static boolean await(Path cacheDir) {
        CompletableFuture<Void> s = STARTED.get(String.valueOf(cacheDir));
        if (s == null) {
            return false;
        }
        s.join();
        return true;
    }

    /**
     * Starts ONNX Runtime from the tool's raw arguments, before picocli has read them (about 0.2 s in a new JVM):
     * when they name a model command, an {@code .onnx} model and no other backend. A guess that never changes what
     * runs: the command checks its options as always, and a wrong guess only started ONNX Runtime for nothing.
     */
    static void startFor(String[] args) {
        if (wanted(args, System.getProperty("gradcam.backend"))) {
            start(ModelOptions.compileCacheDir(RawArgs.value(args, "--compile-cache")));
        }
    }

    /** Whether {@code args} will load an ONNX model on ONNX Runtime, {@code backendProperty} not naming another. */
    static boolean wanted(String[] args, String backendProperty) {
        String backend = RawArgs.value(args, "--backend", "-b");
        String model = RawArgs.value(args, "--model", "-m");
        return MODEL_COMMANDS.contains(RawArgs.command(args))
                && runsOn(model != null && isOnnxFile(model), backend != null ? backend : backendProperty);
    }

    /**
     * Whether a model runs on ONNX Runtime: an ONNX model, and {@code backend} (the option, else the
     * {@code gradcam.backend} property; null: none chosen) naming no other backend.
     */
    static boolean runsOn(boolean onnxModel, String backend) {
        return onnxModel && (backend == null || backend.equalsIgnoreCase("onnx"));
    }

    /** Whether a model file's name is an ONNX file's. */
    static boolean isOnnxFile(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith(".onnx");
    }
}
