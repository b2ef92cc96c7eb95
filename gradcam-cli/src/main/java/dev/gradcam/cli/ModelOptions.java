package dev.gradcam.cli;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Models;
import dev.gradcam.api.spi.BackendProvider;
import dev.gradcam.api.spi.BackendRegistry;
import dev.gradcam.cli.demo.DemoModel;
import dev.gradcam.cli.demo.DemoModels;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** Which model to load, and with which backend: {@code --model FILE} or {@code --demo}, {@code --backend NAME}. */
final class ModelOptions {

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "The model file (.onnx).")
    Path model;

    @Option(names = "--demo", description = "Use the embedded demo model (PaddleOCR's text-direction classifier) "
            + "instead of --model; explain then defaults to rendered text images.")
    boolean demo;

    @Option(names = {"-b", "--backend"}, paramLabel = "NAME", description = "onnx or nd4j (default: the best "
            + "available, or -Dgradcam.backend).")
    String backend;

    @Option(names = "--backend-option", paramLabel = "KEY=VALUE", description = "A backend setting; repeatable.")
    Map<String, String> backendOptions = new LinkedHashMap<>();

    @Option(names = "--compile-cache", paramLabel = "DIR|off", description = "Where the ONNX backend keeps compiled "
            + "variants between runs, so that a second run on the same model skips compilation (default: "
            + "$GRADCAM_CACHE_DIR, else $XDG_CACHE_HOME/gradcam/onnx, else ~/.cache/gradcam/onnx; 2 GiB at most, "
            + "--backend-option compileCacheMb=N to change), with one unpacked copy of ONNX Runtime's native "
            + "libraries in its native/ folder; off: none.")
    String compileCache;

    /**
     * Checks that exactly one of {@code --model} and {@code --demo} is given.
     *
     * @throws ParameterException otherwise
     */
    void validate(CommandSpec spec) {
        if (model == null && !demo) {
            throw new ParameterException(spec.commandLine(), "Missing required option: '--model=FILE' (or --demo "
                    + "for the embedded demo model)");
        }
        if (model != null && demo) {
            throw new ParameterException(spec.commandLine(), "--model and --demo exclude each other; give one");
        }
    }

    /**
     * Starts ONNX Runtime on a background thread (its unpacked copy, native libraries and environment: about 0.1 s of
     * a fresh process's main thread) while the command sets itself up, when the model will run on it: an
     * {@code .onnx} file or the demo, and no other backend asked for. {@link #load} waits for it, so the copy is in
     * place before anything else loads ONNX Runtime; a failure is left for the backend to report, as without this.
     */
    void startOnnxRuntime() {
        String chosen = backend != null ? backend : System.getProperty("gradcam.backend");
        if (OnnxRuntimeStart.runsOn(demo || model != null && OnnxRuntimeStart.isOnnxFile(model.toString()), chosen)) {
            OnnxRuntimeStart.start(compileCacheDir(compileCache));
        }
    }

    /** The demo model, or null when {@code --model} was given. */
    DemoModel demoModel() {
        return demo ? DemoModels.classifier() : null;
    }

    /** The model file to load. */
    Path file() {
        return demo ? DemoModels.classifier().file() : model;
    }

    /**
     * Loads the model; the caller closes it.
     *
     * @throws dev.gradcam.api.ModelLoadException          if the file is missing or unreadable
     * @throws dev.gradcam.api.BackendUnavailableException if no backend can load it
     */
    DifferentiableModel load() {
        return load(1);
    }

    /**
     * Loads the model for {@code workers} passes at once ({@link ExplainWorkers}); the caller closes it.
     *
     * @see #onnxOptions(Map, Path, int, int)
     */
    DifferentiableModel load(int workers) {
        Path f = file();
        Models.requireModelFile(f);
        Path cacheDir = compileCacheDir(compileCache);
        // Before anything loads ONNX Runtime (choosing a backend already may): it reads the path once.
        if (!OnnxRuntimeStart.await(cacheDir)) {
            OrtNativeCopy.use(cacheDir, ModelOptions.class.getClassLoader());
        }
        BackendProvider provider = BackendRegistry.choose(f, backend);
        Map<String, String> options = provider.name().equals("onnx")
                ? onnxOptions(backendOptions, cacheDir, workers, Runtime.getRuntime().availableProcessors())
                : backendOptions;
        return Models.load(f, provider.name(), options);
    }

    /**
     * The ONNX backend's options: the user's {@code --backend-option}s, plus the tool's defaults where the user set
     * none: the compile cache ({@code cacheDir}, null for none), and ONNX Runtime's threads not spinning while they
     * wait ({@code allowSpinning=false}), because the tool's reader and writer threads decode, render and encode
     * images beside the passes and need the cores that spinning threads would burn (docs/performance.md). With
     * several {@code workers} running passes at once, each pass's calling thread works too, so ONNX Runtime's own
     * intra-op threads are the {@code cores} the other workers leave ({@code intraOpThreads = cores - workers + 1},
     * at least 1): on two cores, two single-threaded passes.
     */
    static Map<String, String> onnxOptions(Map<String, String> user, Path cacheDir, int workers, int cores) {
        Map<String, String> options = new LinkedHashMap<>(user);
        if (cacheDir != null) {
            options.putIfAbsent("compileCache", cacheDir.toString());
        }
        options.putIfAbsent("allowSpinning", "false");
        if (workers > 1) {
            options.putIfAbsent("intraOpThreads", Integer.toString(Math.max(1, cores - workers + 1)));
        }
        return options;
    }

    /** The compile-cache folder for the {@code --compile-cache} value {@code flag} (null: not given) in this process. */
    static Path compileCacheDir(String flag) {
        return compileCacheDir(flag, System.getenv(), System.getProperty("user.home"));
    }

    /**
     * The compile-cache folder: the flag's value, else the environment's, else the user's cache folder; null for
     * {@code off}.
     */
    static Path compileCacheDir(String flag, Map<String, String> env, String home) {
        String chosen = flag != null ? flag : env.get("GRADCAM_CACHE_DIR");
        if (chosen != null) {
            return chosen.isBlank() || chosen.equalsIgnoreCase("off") ? null : Path.of(chosen);
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(home, ".cache");
        return base.resolve("gradcam").resolve("onnx");
    }
}
