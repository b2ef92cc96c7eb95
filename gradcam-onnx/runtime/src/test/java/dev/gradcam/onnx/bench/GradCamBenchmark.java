package dev.gradcam.onnx.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.runtime.OnnxModel;
import dev.gradcam.onnx.runtime.OnnxOptions;
import dev.gradcam.testsupport.ProcessClock;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Times Grad-CAM and input-gradient passes against plain ONNX Runtime inference of the same model, at batch 1 and
 * 16: the ratios that docs/performance.md reports. A runnable main, not a test (timings need a quiet machine).
 *
 * <pre>
 * /usr/bin/python3 gradcam-onnx/runtime/bench/make_resnet50.py
 * mvn -q -pl gradcam-onnx/runtime -am install -DskipTests
 * mvn -q -pl gradcam-onnx/runtime test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.gradcam.onnx.bench.GradCamBenchmark \
 *     -Dexec.args="gradcam-onnx/runtime/target/bench/resnet50.onnx layer4 cpu"
 * </pre>
 *
 * Arguments: model file, layer (module path or tensor name), execution provider (cpu, cuda, auto), optional
 * batch sizes (comma-separated, default 1,16). System property {@code bench.backendOptions} ({@code KEY=VALUE,...},
 * e.g. {@code intraOpThreads=1,allowSpinning=false}) sets backend options; the plain session gets the same threads. Plain inference runs the unmodified model in its own session with the
 * same settings; "forward" is {@code OnnxModel.forward}, the model specialised to the concrete input shape (static
 * shapes let ONNX Runtime plan memory, which can make it faster than the model as exported); the gradient passes are
 * specialised the same way, so ratios divide by the faster of the two. The measured passes interleave so that drift
 * in machine load affects all alike; medians reported. Each pass is timed by the wall clock and by the process's CPU
 * time (all threads, ONNX Runtime's included), which other processes on a shared machine disturb less; the system
 * load average is printed before and after.
 */
public final class GradCamBenchmark {

    private GradCamBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args.length > 0 ? args[0] : "gradcam-onnx/runtime/target/bench/resnet50.onnx");
        String layer = args.length > 1 ? args[1] : "layer4";
        String provider = args.length > 2 ? args[2] : "cpu";
        int[] batches = args.length > 3 ? Arrays.stream(args[3].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1, 16};
        if (!Files.isRegularFile(model)) {
            System.err.println("missing " + model + "; run gradcam-onnx/runtime/bench/make_resnet50.py first");
            System.exit(2);
        }
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        Map<String, String> options = new java.util.LinkedHashMap<>();
        options.put("executionProvider", provider);
        for (String kv : System.getProperty("bench.backendOptions", "").split(",")) {
            if (!kv.isBlank()) {
                String[] p = kv.split("=", 2);
                options.put(p[0].trim(), p[1].trim());
            }
        }
        OnnxOptions parsed = OnnxOptions.parse(options);
        try (OnnxModel m = OnnxModel.load(model, options);
             OrtSession.SessionOptions so = new OrtSession.SessionOptions()) {
            if (m.executionProvider().startsWith("CUDA")) {
                so.addCUDA(0);
            }
            // The plain session gets the same thread settings as the model's.
            if (parsed.intraOpThreads() > 0) {
                so.setIntraOpNumThreads(parsed.intraOpThreads());
            }
            if (!parsed.allowSpinning()) {
                so.addConfigEntry("session.intra_op.allow_spinning", "0");
            }
            try (OrtSession plain = env.createSession(model.toString(), so)) {
                String tap = m.resolveLayer(layer).name();
                System.out.printf("model %s, layer %s -> %s, provider %s, onnxruntime %s, %d cores%n",
                        model.getFileName(), layer, tap, m.executionProvider(), m.provenance().get("onnxruntime"),
                        Runtime.getRuntime().availableProcessors());
                double load0 = ProcessClock.loadAverage();
                List<String> rows = new ArrayList<>();
                for (int n : batches) {
                    rows.add(run(env, m, plain, tap, n));
                }
                System.out.println("clock | batch | inference ms | forward ms (*) | Grad-CAM ms | ratio "
                        + "| input-gradient ms | ratio");
                rows.forEach(System.out::println);
                System.out.println("(*) OnnxModel.forward: the same model specialised to the input shape. Ratios divide "
                        + "by the faster of the two inference times. cpu: process CPU time, all threads.");
                System.out.printf("load average %.2f at the start, %.2f at the end%n", load0, ProcessClock.loadAverage());
            }
        }
    }

    private static String run(OrtEnvironment env, OnnxModel m, OrtSession plain, String tap, int n) {
        long[] dims = m.inputs().get(0).shape().withDim(0, n).dims();
        Random r = new Random(n);
        float[] data = new float[Math.toIntExact(Arrays.stream(dims).reduce(1, Math::multiplyExact))];
        for (int i = 0; i < data.length; i++) {
            data[i] = (float) r.nextGaussian();
        }
        FloatTensor x = FloatTensor.wrapOwned(Shape.of(dims), data);
        String inputName = m.inputs().get(0).name();
        PassRequest gradCam = PassRequest.builder(x).tap(tap).seed(new Seed.TopClass()).build();
        PassRequest inputGrad = PassRequest.builder(x).inputGradient(true).seed(new Seed.TopClass()).build();
        Runnable infer = () -> {
            try (OnnxTensor t = OnnxTensor.createTensor(env, FloatBuffer.wrap(data), dims);
                 OrtSession.Result res = plain.run(Map.of(inputName, t))) {
                res.get(0).getValue();
            } catch (OrtException e) {
                throw new IllegalStateException(e);
            }
        };
        Runnable forward = () -> m.forward(x);
        Runnable cam = () -> m.run(gradCam);
        Runnable ig = () -> m.run(inputGrad);
        // The first call of each kind compiles its variant and creates its session; later calls only run.
        double firstCam = time(cam);
        double firstIg = time(ig);
        System.out.printf("batch %d: first Grad-CAM call %.0f ms, first input-gradient call %.0f ms "
                + "(compile + session creation + run)%n", n, firstCam, firstIg);
        // Warm up: lets ONNX Runtime settle its memory arenas.
        for (int i = 0; i < 3; i++) {
            infer.run();
            forward.run();
            cam.run();
            ig.run();
        }
        int reps = n == 1 ? 15 : 7;
        List<List<double[]>> t = new ArrayList<>();
        List<Runnable> passes = List.of(infer, forward, cam, ig);
        passes.forEach(p -> t.add(new ArrayList<>()));
        for (int i = 0; i < reps; i++) {
            for (int p = 0; p < passes.size(); p++) {
                t.get(p).add(times(passes.get(p)));
            }
        }
        StringBuilder rows = new StringBuilder();
        String[] clocks = {"wall", "cpu"};
        for (int clock = 0; clock < 2; clock++) {
            int c0 = clock;
            double[] med = t.stream().mapToDouble(l -> median(l.stream().map(v -> v[c0]).toList())).toArray();
            // Ratios against the faster baseline: the model as exported, or specialised to the input shape.
            double base = Math.min(med[0], med[1]);
            rows.append(String.format("%-5s | %5d | %12.1f | %14.1f | %11.1f | %5.2f | %17.1f | %5.2f", clocks[clock], n,
                    med[0], med[1], med[2], med[2] / base, med[3], med[3] / base));
            rows.append(clock == 0 ? "\n" : "");
        }
        return rows.toString();
    }

    /** Wall-clock and process CPU milliseconds of one run. */
    private static double[] times(Runnable r) {
        long c0 = ProcessClock.cpuNanos();
        long t0 = System.nanoTime();
        r.run();
        return new double[] {(System.nanoTime() - t0) / 1e6, (ProcessClock.cpuNanos() - c0) / 1e6};
    }

    private static double time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return (System.nanoTime() - t0) / 1e6;
    }

    private static double median(List<Double> v) {
        List<Double> s = new ArrayList<>(v);
        s.sort(null);
        return s.get(s.size() / 2);
    }
}
