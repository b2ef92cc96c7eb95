package dev.gradcam.metrics;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Models;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What a deletion curve costs (a runnable main, not a timed test; see docs/performance.md): the median time of one
 * single-image inference, and of a 100-step deletion curve on one image (101 inferences) at several scoring batch
 * sizes, with the number of inferences and backend calls counted. Arguments: model path, input size (default 224),
 * batch sizes (default 1,16,32), repetitions (default 5).
 */
public final class DeletionBenchmark {

    private DeletionBenchmark() {
    }

    public static void main(String[] args) {
        Path modelFile = Path.of(args[0]);
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 224;
        int[] batches = Arrays.stream((args.length > 2 ? args[2] : "1,16,32").split(",")).mapToInt(Integer::parseInt)
                .toArray();
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 5;
        Random r = new Random(0);
        float[] x = new float[3 * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) r.nextGaussian();
        }
        FloatTensor image = FloatTensor.wrapOwned(Shape.of(1, 3, size, size), x);
        float[] m = new float[size * size];
        for (int i = 0; i < m.length; i++) {
            m[i] = r.nextFloat();
        }
        FloatTensor map = FloatTensor.wrapOwned(Shape.of(1, size, size), m);
        try (BatchingTest.CountingModel model = new BatchingTest.CountingModel(Models.load(modelFile))) {
            List<Target> top = List.of(Targets.topClass());
            model.forward(image);
            double[] inference = new double[reps * 3];
            for (int k = 0; k < inference.length; k++) {
                long t0 = System.nanoTime();
                model.forward(image);
                inference[k] = (System.nanoTime() - t0) / 1e6;
            }
            double one = median(inference);
            System.out.printf(Locale.ROOT, "%s on %s, %dx%d: one inference (batch 1) %.1f ms%n",
                    modelFile.getFileName(), model.executionProvider(), size, size, one);
            System.out.println("| scoring batch | deletion (100 steps) ms | inferences | backend calls | "
                    + "/ one inference |");
            for (int b : batches) {
                DeletionInsertion di = DeletionInsertion.of(Scoring.of(model).withBatchSize(b)).withSteps(100);
                di.deletion(image, map, top);
                double[] t = new double[reps];
                int inferences = 0;
                int calls = 0;
                for (int k = 0; k < reps; k++) {
                    model.calls.clear();
                    long t0 = System.nanoTime();
                    di.deletion(image, map, top);
                    t[k] = (System.nanoTime() - t0) / 1e6;
                    inferences = model.inferences();
                    calls = model.calls.size();
                }
                double med = median(t);
                System.out.printf(Locale.ROOT, "| %d | %.0f | %d | %d | %.1f |%n", b, med, inferences, calls,
                        med / one);
            }
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
