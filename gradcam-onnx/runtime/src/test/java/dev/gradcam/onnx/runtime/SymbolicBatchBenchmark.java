package dev.gradcam.onnx.runtime;

import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.testsupport.ProcessClock;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Does a batch-symbolic variant run as fast as the variants specialised to each batch size? A runnable main, not a
 * test: one model loaded twice ({@code batchSymbolic=true} and {@code false}), Grad-CAM at a layer and the input
 * gradient (top class) at each batch size, interleaved, median wall and process CPU time per pass after a warm-up,
 * and the first call (compile and session) of each.
 *
 * <pre>
 * java -cp CLASSPATH dev.gradcam.onnx.runtime.SymbolicBatchBenchmark MODEL.onnx LAYER 1,8,16 RUNS
 * </pre>
 */
public final class SymbolicBatchBenchmark {

    private SymbolicBatchBenchmark() {
    }

    public static void main(String[] args) {
        Path file = Path.of(args[0]);
        String layer = args[1];
        int[] batches = Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray();
        int runs = Integer.parseInt(args[3]);
        try (OnnxModel symbolic = OnnxModel.load(file, Map.of("executionProvider", "cpu", "batchSymbolic", "true"));
             OnnxModel perBatch = OnnxModel.load(file, Map.of("executionProvider", "cpu", "batchSymbolic", "false"))) {
            String tap = symbolic.resolveLayer(layer).name();
            Shape image = symbolic.inputs().get(0).shape().dropFirst(1);
            System.out.println("| pass | batch | first call, symbolic ms | first call, per batch ms | symbolic ms "
                    + "(CPU ms) | per batch ms (CPU ms) | symbolic / per batch (wall) |");
            System.out.println("|---|---:|---:|---:|---:|---:|---:|");
            for (int n : batches) {
                FloatTensor x = FloatTensor.zeros(image.prepend(n));
                for (boolean inputGradient : new boolean[] {false, true}) {
                    PassRequest.Builder b = PassRequest.builder(x).seed(new Seed.TopClass());
                    PassRequest r = inputGradient ? b.inputGradient(true).build() : b.tap(tap).build();
                    double firstSymbolic = time(symbolic, r)[0];
                    double firstPerBatch = time(perBatch, r)[0];
                    double[][] s = new double[runs][];
                    double[][] p = new double[runs][];
                    for (int i = 0; i < runs; i++) {
                        s[i] = time(symbolic, r);
                        p[i] = time(perBatch, r);
                    }
                    System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.1f (%.0f) | %.1f (%.0f) | %.3f |%n",
                            inputGradient ? "input gradient" : "Grad-CAM " + layer, n, firstSymbolic, firstPerBatch,
                            median(s, 0), median(s, 1), median(p, 0), median(p, 1), median(s, 0) / median(p, 0));
                }
            }
            System.out.printf(Locale.ROOT, "sessions: symbolic %d, per batch %d; load average %.2f%n",
                    symbolic.sessionsCreated(), perBatch.sessionsCreated(), ProcessClock.loadAverage());
        }
    }

    /** Wall and process CPU milliseconds of one pass. */
    private static double[] time(OnnxModel m, PassRequest r) {
        long cpu = ProcessClock.cpuNanos();
        long t = System.nanoTime();
        m.run(r);
        return new double[] {(System.nanoTime() - t) / 1e6, (ProcessClock.cpuNanos() - cpu) / 1e6};
    }

    private static double median(double[][] v, int column) {
        double[] c = Arrays.stream(v).mapToDouble(r -> r[column]).sorted().toArray();
        return c.length % 2 == 1 ? c[c.length / 2] : (c[c.length / 2 - 1] + c[c.length / 2]) / 2;
    }
}
