package dev.gradcam.onnx.runtime;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Models;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.testsupport.ProcessClock;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Start-up of a fresh process on a model whose compile cache is already filled: how long after the JVM is up the
 * first explanation starts. A runnable main, not a test: each measurement runs in a new JVM (this class with
 * {@code --child}), because a warm start is about what a new process pays.
 *
 * <p>Each child loads the model through {@link Models#load} (as the tool does: backend discovery, ONNX Runtime's
 * start), runs one Grad-CAM pass (the top class, batch 1, at the given layer), then three more. It reports the JVM's
 * own start (JVM start to {@code main}), the load, the first pass, the median later pass, and the start-up: the
 * first result's time from {@code main} minus a later pass, i.e. what the process paid before it could start
 * explaining. Configurations run interleaved, so a busy machine slows them alike: the compile cache with the preload
 * ({@code compileCachePreload=1}, the default), without it (0), and no compile cache at all.
 *
 * <pre>
 * java -cp CLASSPATH dev.gradcam.onnx.runtime.StartupBenchmark MODEL.onnx LAYER ROUNDS
 * </pre>
 */
public final class StartupBenchmark {

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Path.of(args[1]), args[2], args[3], args[4]);
            return;
        }
        if (args.length != 3) {
            System.err.println("usage: StartupBenchmark MODEL.onnx LAYER ROUNDS");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        int rounds = Integer.parseInt(args[2]);
        Path cache = Files.createTempDirectory("gradcam-startup-cache");
        System.out.printf("model %s, layer %s, %d rounds, cache %s, %d CPUs%n", model, args[1], rounds, cache,
                Runtime.getRuntime().availableProcessors());
        spawn(model, args[1], cache.toString(), "1"); // fills the cache
        Map<String, List<double[]>> results = new LinkedHashMap<>();
        String[][] configs = {{"cache+preload", cache.toString(), "1"}, {"cache", cache.toString(), "0"},
                {"no cache", "off", "0"}};
        for (int r = 0; r < rounds; r++) {
            for (String[] c : configs) {
                double[] v = spawn(model, args[1], c[1], c[2]);
                results.computeIfAbsent(c[0], k -> new ArrayList<>()).add(v);
                System.out.printf(Locale.ROOT, "round %d %-14s jvm %5.0f  load %5.0f  first pass %5.0f  later pass "
                        + "%5.0f  start-up %5.0f ms  CPU to the first result %5.0f ms (cache hits %.0f, preloaded %.0f)%n",
                        r + 1, c[0], v[0], v[1], v[2], v[3], v[4], v[7], v[5], v[6]);
            }
        }
        System.out.println("medians (ms):");
        System.out.println("| configuration | JVM to main | load | first pass | later pass | start-up after main | "
                + "process CPU, main to first result |");
        System.out.println("|---|---:|---:|---:|---:|---:|---:|");
        results.forEach((name, runs) -> System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.0f | %.0f | "
                + "%.0f |%n", name, median(runs, 0), median(runs, 1), median(runs, 2), median(runs, 3),
                median(runs, 4), median(runs, 7)));
        System.out.printf("load average at the end: %.2f%n",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * Runs a child JVM; returns its figures: JVM ms, load, first pass, later pass, start-up, hits, preloaded, process
     * CPU ms from main to the first result.
     */
    private static double[] spawn(Path model, String layer, String cache, String preload) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                StartupBenchmark.class.getName(), "--child", model.toString(), layer, cache, preload)
                .redirectErrorStream(true).start();
        String last = null;
        List<String> all = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(),
                StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                all.add(line);
                if (line.startsWith("STARTUP ")) {
                    last = line;
                }
            }
        }
        if (p.waitFor() != 0 || last == null) {
            throw new IOException("child failed:\n" + String.join("\n", all));
        }
        return Arrays.stream(last.substring("STARTUP ".length()).trim().split(" "))
                .mapToDouble(Double::parseDouble).toArray();
    }

    private static void child(Path model, String layer, String cache, String preload) {
        long jvm = ManagementFactory.getRuntimeMXBean().getUptime();
        long t0 = System.nanoTime();
        long cpu0 = ProcessClock.cpuNanos();
        Map<String, String> options = new HashMap<>(Map.of("executionProvider", "cpu"));
        if (!cache.equals("off")) {
            options.put("compileCache", cache);
            options.put("compileCachePreload", preload);
        }
        try (DifferentiableModel m = Models.load(model, "onnx", options)) {
            long loaded = System.nanoTime();
            FloatTensor x = FloatTensor.of(Shape.of(1, 3, 224, 224), new float[3 * 224 * 224]);
            PassRequest request = PassRequest.builder(x).tap(m.resolveLayer(layer).name()).seed(new Seed.TopClass())
                    .build();
            m.run(request);
            long first = System.nanoTime();
            long cpu = ProcessClock.cpuNanos() - cpu0;
            double[] later = new double[3];
            for (int i = 0; i < later.length; i++) {
                long s = System.nanoTime();
                m.run(request);
                later[i] = (System.nanoTime() - s) / 1e6;
            }
            Arrays.sort(later);
            CompileCache c = ((OnnxModel) m).compileCache();
            System.out.printf(Locale.ROOT, "STARTUP %d %.1f %.1f %.1f %.1f %d %d %.1f%n", jvm, (loaded - t0) / 1e6,
                    (first - loaded) / 1e6, later[1], (first - t0) / 1e6 - later[1], c == null ? 0 : c.hits(),
                    c == null ? 0 : c.preloadedHits(), cpu / 1e6);
        }
    }

    private static double median(List<double[]> runs, int column) {
        double[] v = runs.stream().mapToDouble(r -> r[column]).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }
}
