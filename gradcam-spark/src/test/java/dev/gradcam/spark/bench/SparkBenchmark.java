package dev.gradcam.spark.bench;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Models;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.spark.SparkExplainer;
import dev.gradcam.testsupport.BenchImages;
import dev.gradcam.testsupport.ProcessClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Images per second for Grad-CAM over a folder of generated 224 x 224 PNGs: the single-JVM loop a user would write
 * with {@link Explainer} (read, preprocess, explain in batches, render the overlay PNG) against
 * {@link SparkExplainer} on {@code local[1]} and {@code local[2]}, all in one JVM, one after another, each after a
 * warm-up (model load, variant compile and Spark's first job are excluded). Not a test: a main, run by hand
 * (docs/performance.md).
 *
 * <p>Arguments: model, layer, images, batch size, rounds (each configuration is timed this many times; the best
 * is reported, the others printed). Each round also prints the process's CPU time per image.
 */
public final class SparkBenchmark {

    private SparkBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Path model = Path.of(args[0]);
        String layer = args.length > 1 ? args[1] : "layer4";
        int count = args.length > 2 ? Integer.parseInt(args[2]) : 48;
        int batch = args.length > 3 ? Integer.parseInt(args[3]) : 8;
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 2;
        Preprocessing pre = Preprocessing.imagenet().withSize(224, 224);
        Path dir = Files.createTempDirectory("gradcam-spark-bench");
        List<Path> files = new ArrayList<>();
        Random random = new Random(1);
        for (int i = 0; i < count; i++) {
            Path f = dir.resolve(String.format("img%04d.png", i));
            PngWriter.write(BenchImages.scene(random), f);
            files.add(f);
        }
        System.out.printf(Locale.ROOT, "%d images 224x224, batch %d, %s at %s, %d cores, load %.1f%n", count, batch,
                model.getFileName(), layer, Runtime.getRuntime().availableProcessors(), ProcessClock.loadAverage());

        double loop1 = loop(model, layer, pre, files, batch, 1, rounds);
        double loop2 = loop(model, layer, pre, files, batch, 2, rounds);
        double spark1 = spark(model, layer, pre, files, batch, 1, rounds);
        double spark2 = spark(model, layer, pre, files, batch, 2, rounds);
        System.out.printf(Locale.ROOT, "images/s: loop(1 thread) %.2f, loop(2 threads) %.2f, local[1] %.2f, "
                + "local[2] %.2f%n", loop1, loop2, spark1, spark2);
        System.out.printf(Locale.ROOT, "local[2] / local[1] = %.2f; Spark overhead per image (local[1] vs loop with 1 "
                + "thread) = %.1f%%; local[2] / loop(2 threads) = %.2f; load %.1f%n", spark2 / spark1,
                100 * (loop1 / spark1 - 1), spark2 / loop2, ProcessClock.loadAverage());
    }

    /** The single-JVM loop: load and warm up (untimed), then time passes over every image. */
    private static double loop(Path model, String layer, Preprocessing pre, List<Path> files, int batch, int threads,
                               int rounds) {
        try (DifferentiableModel m = Models.load(model, "onnx", Map.of("intraOpThreads", "" + threads))) {
            Explainer explainer = Explainer.of(m, "grad-cam").layer(layer).build();
            explainer.explain(Images.load(files.get(0), pre)); // warm-up: compiles the variant
            Overlay overlay = Overlay.defaults();
            return best("loop, " + threads + " ORT thread(s)", rounds, files.size(), () -> {
                long t0 = System.nanoTime();
                long bytes = 0;
                for (int from = 0; from < files.size(); from += batch) {
                    List<FloatTensor> images = new ArrayList<>();
                    for (Path f : files.subList(from, Math.min(files.size(), from + batch))) {
                        images.add(Images.toTensor(Images.read(readAll(f), f.toString()), pre));
                    }
                    Explanation e = explainer.explain(FloatTensor.concat(images));
                    for (int i = 0; i < images.size(); i++) {
                        bytes += PngWriter.toBytes(overlay.apply(images.get(i), pre, e.heatmap(i))).length;
                    }
                }
                if (bytes == 0) {
                    throw new IllegalStateException("no overlays");
                }
                return (System.nanoTime() - t0) / 1e9;
            });
        }
    }

    private static byte[] readAll(Path f) {
        try {
            return Files.readAllBytes(f);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static double spark(Path model, String layer, Preprocessing pre, List<Path> files, int batch, int cores,
                                int rounds) {
        SparkSession spark = SparkSession.builder().master("local[" + cores + "]").appName("gradcam-bench")
                .config("spark.ui.enabled", "false").getOrCreate();
        try {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            StructType schema = new StructType().add("path", DataTypes.StringType);
            List<Row> rows = files.stream().map(f -> RowFactory.create(f.toString())).toList();
            // As the gradcam spark command: 2 partitions per core, so a slow partition does not leave a core idle.
            Dataset<Row> images = spark.createDataFrame(jsc.parallelize(rows, 2 * cores), schema);
            SparkExplainer explainer = SparkExplainer.builder(model).layer(layer).preprocessing(pre).batchSize(batch)
                    .build();
            Dataset<Row> warm = spark.createDataFrame(jsc.parallelize(rows.subList(0, 2 * cores), cores), schema);
            explainer.explain(warm).write().format("noop").mode("overwrite").save(); // load, compile, first job
            // explain() checks the settings on the driver (loads the model, hashes the file): a cost per job, not per
            // image, printed apart from the per-image rate.
            long p0 = System.nanoTime();
            Dataset<Row> explained = explainer.explain(images);
            System.out.printf(Locale.ROOT, "  local[%d] explain() on the driver: %.2f s once per job%n", cores,
                    (System.nanoTime() - p0) / 1e9);
            return best("local[" + cores + "]", rounds, files.size(), () -> {
                long t0 = System.nanoTime();
                explained.write().format("noop").mode("overwrite").save();
                return (System.nanoTime() - t0) / 1e9;
            });
        } finally {
            spark.stop();
        }
    }

    /**
     * Runs {@code timed} {@code rounds} times; prints each round's wall time, images/s and the process's CPU time
     * per image (all threads: Spark's own included), which a machine shared with other work distorts much less than
     * wall time. Returns the best images/s.
     */
    private static double best(String name, int rounds, int count, Timed timed) {
        double best = 0;
        for (int r = 0; r < rounds; r++) {
            long cpu0 = ProcessClock.cpuNanos();
            double s = timed.seconds();
            double cpuMs = (ProcessClock.cpuNanos() - cpu0) / 1e6 / count;
            System.out.printf(Locale.ROOT, "  %-22s %6.2f s  %6.2f images/s  %7.1f CPU ms/image  load %.1f%n", name, s,
                    count / s, cpuMs, ProcessClock.loadAverage());
            best = Math.max(best, count / s);
        }
        return best;
    }

    @FunctionalInterface
    private interface Timed {
        double seconds();
    }
}
