package dev.gradcam.it.bench;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Models;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.nd4j.internal.Nd4jRuntime;
import dev.gradcam.testsupport.ProcessClock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * The ND4J backend against the ONNX backend on one model, same JVM, interleaved: load time, then the median time of
 * a forward pass, a Grad-CAM pass (top-class seed, one tap) and an input-gradient pass per backend, and for ND4J the
 * same Grad-CAM pass with a seed that needs no output ({@code Seed.OfShape}). Not a test: a runnable main.
 *
 * <pre>
 * /usr/bin/python3 gradcam-onnx/runtime/bench/make_resnet50.py target/bench/resnet18.onnx resnet18
 * mvn -q -pl integration-tests -am install -DskipTests -Dgradcam.skipCliJar=true
 * OMP_NUM_THREADS=2 mvn -q -pl integration-tests exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.gradcam.it.bench.BackendSpeedBenchmark -Dexec.args="target/bench/resnet18.onnx layer4 1 9"
 * </pre>
 *
 * Arguments: model, layer, batch size, repetitions (default 9). System properties: {@code bench.ortThreads} (ONNX
 * Runtime intra-op threads, default 0 = its own choice), {@code bench.cpuTime=true} to report process CPU time.
 */
public final class BackendSpeedBenchmark {

    private BackendSpeedBenchmark() {
    }

    public static void main(String[] args) {
        Path model = Path.of(args[0]);
        String layer = args.length > 1 ? args[1] : "layer4";
        int batch = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 9;
        Map<String, DifferentiableModel> models = new LinkedHashMap<>();
        Map<String, Double> loadSeconds = new LinkedHashMap<>();
        long s0 = System.nanoTime();
        Nd4jRuntime.ensureStarted(); // ND4J's native start-up, once per JVM, apart from the model's own load time
        loadSeconds.put("nd4j start", (System.nanoTime() - s0) / 1e9);
        for (String backend : List.of("onnx", "nd4j", "nd4j")) {
            long t0 = System.nanoTime();
            if (models.containsKey(backend)) { // a second ND4J load: what a model costs once ND4J is warm
                Models.load(model, backend, Map.of()).close();
                loadSeconds.put("nd4j again", (System.nanoTime() - t0) / 1e9);
                continue;
            }
            models.put(backend, Models.load(model, backend, backend.equals("onnx")
                    ? Map.of("executionProvider", "cpu", "intraOpThreads", System.getProperty("bench.ortThreads", "0"))
                    : Map.of()));
            loadSeconds.put(backend, (System.nanoTime() - t0) / 1e9);
        }
        Shape inShape = fixedBatch(models.get("onnx").inputs().get(0).shape(), batch);
        FloatTensor x = random(inShape);
        Map<String, Supplier<Object>> cases = new LinkedHashMap<>();
        for (var e : models.entrySet()) {
            DifferentiableModel m = e.getValue();
            String tap = m.resolveLayer(layer).name();
            cases.put(e.getKey() + " forward", () -> m.run(PassRequest.forward(x)));
            cases.put(e.getKey() + " grad-cam", () -> m.run(PassRequest.builder(x).tap(tap)
                    .seed(new Seed.TopClass()).build()));
            cases.put(e.getKey() + " input gradient", () -> m.run(PassRequest.builder(x).inputGradient(true)
                    .seed(new Seed.TopClass()).build()));
        }
        DifferentiableModel nd4j = models.get("nd4j");
        String nd4jTap = nd4j.resolveLayer(layer).name();
        cases.put("nd4j grad-cam (seed without output)", () -> nd4j.run(PassRequest.builder(x).tap(nd4jTap)
                .seed(new Seed.OfShape(s -> oneHot(s, 0))).build()));
        Map<String, Double> firstCall = new LinkedHashMap<>();
        cases.forEach((name, c) -> firstCall.put(name, seconds(c)));
        Map<String, List<Double>> times = new LinkedHashMap<>();
        for (int r = 0; r < reps; r++) {
            cases.forEach((name, c) -> times.computeIfAbsent(name, k -> new ArrayList<>()).add(seconds(c)));
        }
        System.out.printf(Locale.ROOT, "model %s, layer %s, input %s, %d reps, OMP_NUM_THREADS=%s, ORT threads %s, %s%n",
                model.getFileName(), layer, inShape, reps, System.getenv("OMP_NUM_THREADS"),
                System.getProperty("bench.ortThreads", "0 (default)"),
                Boolean.getBoolean("bench.cpuTime") ? "process CPU time" : "wall time");
        loadSeconds.forEach((b, s) -> System.out.printf(Locale.ROOT, "load %-10s %8.2f s (wall)%n", b, s));
        System.out.printf(Locale.ROOT, "%-40s %10s %10s %10s%n", "case", "first ms", "median ms", "vs onnx");
        for (var e : times.entrySet()) {
            double med = median(e.getValue());
            String other = "onnx" + e.getKey().substring(e.getKey().indexOf(' '));
            other = other.replace(" (seed without output)", "");
            Double base = times.containsKey(other) ? median(times.get(other)) : null;
            System.out.printf(Locale.ROOT, "%-40s %10.1f %10.1f %10s%n", e.getKey(), firstCall.get(e.getKey()) * 1e3,
                    med * 1e3, base == null ? "" : String.format(Locale.ROOT, "%.2fx", med / base));
        }
        models.values().forEach(DifferentiableModel::close);
    }

    private static Shape fixedBatch(Shape declared, int batch) {
        long[] dims = declared.dims().clone();
        dims[0] = batch;
        return Shape.of(dims);
    }

    private static FloatTensor random(Shape shape) {
        Random rnd = new Random(7);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return FloatTensor.of(shape, v);
    }

    private static FloatTensor oneHot(Shape outputShape, int index) {
        float[] v = new float[Math.toIntExact(outputShape.size())];
        long perImage = outputShape.size() / outputShape.dims()[0];
        for (int n = 0; n < outputShape.dims()[0]; n++) {
            v[Math.toIntExact(n * perImage + index)] = 1f;
        }
        return FloatTensor.of(outputShape, v);
    }

    /**
     * Wall seconds of one call, or the process's CPU seconds with {@code -Dbench.cpuTime=true}: on a machine shared
     * with other work, CPU time of single-threaded runs (ONNX Runtime intraOpThreads=1, OMP_NUM_THREADS=1) measures
     * the work done rather than the wait for a core.
     */
    private static double seconds(Supplier<Object> c) {
        boolean cpu = Boolean.getBoolean("bench.cpuTime");
        long t0 = cpu ? ProcessClock.cpuNanos() : System.nanoTime();
        c.get();
        return ((cpu ? ProcessClock.cpuNanos() : System.nanoTime()) - t0) / 1e9;
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a[a.length / 2];
    }
}
