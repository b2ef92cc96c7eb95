package dev.gradcam.onnx.runtime;

import dev.gradcam.api.InvalidArgumentException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Settings of the ONNX backend, parsed from the string map that {@code Models.load} passes on. Unknown keys and
 * bad values are errors that list what is accepted.
 *
 * @param executionProvider  {@code auto} (CUDA when an NVIDIA GPU and CUDA are present, else CPU), {@code cpu} or
 *                           {@code cuda}
 * @param deviceId           the CUDA device ordinal
 * @param intraOpThreads     threads per op; 0 lets ONNX Runtime decide
 * @param optimizationLevel  ONNX Runtime graph optimisation: {@code none}, {@code basic}, {@code extended},
 *                           {@code all}
 * @param cacheSize          compiled variants (and their sessions) kept per model
 * @param compileCache       a folder where compiled variants persist across processes (ONNX Runtime's optimised
 *                           graphs), or empty for none (the default); see {@code docs/performance.md}
 * @param compileCacheMb     the size bound of that folder, in MiB
 * @param allowSpinning      whether ONNX Runtime's intra-op threads spin while they wait for work (its default,
 *                           true: lowest latency for one pass at a time); false leaves those cores to the caller's
 *                           own threads (a pipeline decoding and encoding images beside the passes)
 * @param compileCachePreload with a compile cache and a model file: how many of the variants that the last process
 *                           used first to load in the background while the model is read (0: none)
 * @param batchSymbolic      whether a pass compiles one graph for every batch size (where the model's batch axis
 *                           is open and the pass generalises) rather than one per batch size
 */
public record OnnxOptions(String executionProvider, int deviceId, int intraOpThreads, String optimizationLevel,
                          int cacheSize, String compileCache, int compileCacheMb, boolean allowSpinning,
                          int compileCachePreload, boolean batchSymbolic) {

    /** The option keys understood. */
    public static final Set<String> KEYS = Set.of("executionProvider", "deviceId", "intraOpThreads",
            "optimizationLevel", "cacheSize", "compileCache", "compileCacheMb", "allowSpinning", "compileCachePreload",
            "batchSymbolic");

    private static final Set<String> PROVIDERS = Set.of("auto", "cpu", "cuda");
    private static final Set<String> LEVELS = Set.of("none", "basic", "extended", "all");

    public OnnxOptions {
        InvalidArgumentException.requireNonNull(executionProvider, "executionProvider");
        InvalidArgumentException.requireNonNull(optimizationLevel, "optimizationLevel");
        InvalidArgumentException.requireNonNull(compileCache, "compileCache");
        if (!PROVIDERS.contains(executionProvider)) {
            throw new InvalidArgumentException("executionProvider must be one of " + new TreeSet<>(PROVIDERS) + ", got '"
                    + executionProvider + "'");
        }
        if (!LEVELS.contains(optimizationLevel)) {
            throw new InvalidArgumentException("optimizationLevel must be one of " + new TreeSet<>(LEVELS) + ", got '"
                    + optimizationLevel + "'");
        }
        if (deviceId < 0 || intraOpThreads < 0 || cacheSize < 1) {
            throw new InvalidArgumentException("deviceId and intraOpThreads must be >= 0 and cacheSize >= 1, got "
                    + deviceId + ", " + intraOpThreads + ", " + cacheSize);
        }
        if (compileCachePreload < 0) {
            throw new InvalidArgumentException("compileCachePreload must be >= 0, got " + compileCachePreload);
        }
        if (compileCacheMb < 1) {
            throw new InvalidArgumentException("compileCacheMb must be >= 1 (MiB), got " + compileCacheMb);
        }
    }

    /**
     * The defaults: automatic provider, device 0, ONNX Runtime's threads, all optimisations, 16 variants, no compile
     * cache on disk (a 2 GiB bound and one preloaded variant when one is set), spinning threads, one variant for
     * every batch size.
     */
    public static OnnxOptions defaults() {
        return new OnnxOptions("auto", 0, 0, "all", 16, "", 2048, true, 1, true);
    }

    /**
     * Parses backend options.
     *
     * @throws dev.gradcam.api.InvalidArgumentException for an unknown key (listing the known ones) or a bad value
     */
    public static OnnxOptions parse(Map<String, String> options) {
        InvalidArgumentException.requireNonNull(options, "options");
        OnnxOptions d = defaults();
        String ep = d.executionProvider;
        int device = d.deviceId;
        int threads = d.intraOpThreads;
        String level = d.optimizationLevel;
        int cache = d.cacheSize;
        String compileCache = d.compileCache;
        int compileCacheMb = d.compileCacheMb;
        boolean spinning = d.allowSpinning;
        int preload = d.compileCachePreload;
        boolean batchSymbolic = d.batchSymbolic;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String v = e.getValue() == null ? "" : e.getValue().trim();
            switch (e.getKey()) {
                case "executionProvider" -> ep = v.toLowerCase(Locale.ROOT);
                case "deviceId" -> device = integer(e.getKey(), v);
                case "intraOpThreads" -> threads = integer(e.getKey(), v);
                case "optimizationLevel" -> level = v.toLowerCase(Locale.ROOT);
                case "cacheSize" -> cache = integer(e.getKey(), v);
                case "compileCache" -> compileCache = v;
                case "compileCacheMb" -> compileCacheMb = integer(e.getKey(), v);
                case "allowSpinning" -> spinning = bool(e.getKey(), v);
                case "compileCachePreload" -> preload = integer(e.getKey(), v);
                case "batchSymbolic" -> batchSymbolic = bool(e.getKey(), v);
                default -> throw new InvalidArgumentException("unknown ONNX backend option '" + e.getKey()
                        + "'; known options: " + new TreeSet<>(KEYS));
            }
        }
        return new OnnxOptions(ep, device, threads, level, cache, compileCache, compileCacheMb, spinning, preload,
                batchSymbolic);
    }

    private static boolean bool(String key, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidArgumentException("option " + key + " must be true or false, got '" + v + "'");
        };
    }

    private static int integer(String key, String v) {
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException ex) {
            throw new InvalidArgumentException("option " + key + " must be an integer, got '" + v + "'", ex);
        }
    }
}
