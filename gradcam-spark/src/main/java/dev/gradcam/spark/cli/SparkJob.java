package dev.gradcam.spark.cli;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.spark.SparkExplainer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** The Spark side of {@link SparkCommand}: list the images, explain them, write Parquet and PNGs. */
final class SparkJob {

    /** File endings javax.imageio decodes out of the box. */
    private static final Set<String> IMAGE_ENDINGS = Set.of("png", "jpg", "jpeg", "bmp", "gif", "tif", "tiff",
            "wbmp");

    private SparkJob() {
    }

    static int run(SparkCommand c, Preprocessing preprocessing, int targetClass, PrintWriter stdout) {
        SparkSession.Builder builder = SparkSession.builder().appName("gradcam spark");
        boolean embedded = System.getProperty("spark.master") == null; // spark-submit sets it
        if (c.master != null) {
            builder.master(c.master);
        } else if (embedded) {
            builder.master("local[*]");
        }
        SparkSession spark = builder.getOrCreate();
        if (embedded) {
            spark.sparkContext().setLogLevel("WARN"); // Spark's INFO lines would bury the summary
        }
        try {
            Configuration hadoop = spark.sparkContext().hadoopConfiguration();
            Path out = new Path(c.out);
            Path explanations = new Path(out, "explanations");
            Path overlays = new Path(out, "overlays");
            checkFresh(hadoop, c.overwrite, explanations, overlays);
            List<String> files = listImages(hadoop, new Path(c.input));
            int partitions = c.partitions > 0 ? c.partitions : 2 * spark.sparkContext().defaultParallelism();
            List<Row> rows = files.stream().map(f -> RowFactory.create(f)).toList();
            Dataset<Row> images = spark.createDataFrame(JavaSparkContext.fromSparkContext(spark.sparkContext())
                    .parallelize(rows, Math.max(1, Math.min(partitions, rows.size()))),
                    new StructType().add("path", DataTypes.StringType, false));

            SparkExplainer.Builder explainer = SparkExplainer.builder(java.nio.file.Path.of(c.model.toString()))
                    .method(c.method).layers(c.layers).preprocessing(preprocessing).imageColumn("path")
                    .batchSize(c.batchSize).overlay(c.png).backend(c.backend);
            if (targetClass >= 0) {
                explainer.targetClass(targetClass);
            }
            if (c.threadsPerTask > 0) {
                explainer.threadsPerTask(c.threadsPerTask);
            }
            c.backendOptions.forEach(explainer::backendOption);

            long t0 = System.nanoTime();
            Dataset<Row> result = explainer.build().explain(images);
            result.write().mode(c.overwrite ? "overwrite" : "errorifexists").parquet(explanations.toString());
            double seconds = (System.nanoTime() - t0) / 1e9;

            Dataset<Row> written = spark.read().parquet(explanations.toString());
            long errors = written.filter("error is not null").count();
            if (c.png) {
                writeOverlays(written, new Path(c.input), overlays);
            }
            stdout.printf(Locale.ROOT, "explained %d images (%d errors) in %.1f s, %.2f images/s, on %s%n",
                    files.size(), errors, seconds, files.size() / seconds, spark.sparkContext().master());
            stdout.println("results: " + explanations + " (Parquet)" + (c.png ? ", overlays: " + overlays : ""));
            for (Row r : written.filter("error is not null").select("path", "error").limit(5).collectAsList()) {
                stdout.println("  error: " + r.getString(0) + ": " + r.getString(1));
            }
            return 0; // images that failed are rows with an error, as in the API: the run itself succeeded
        } finally {
            spark.stop();
        }
    }

    private static void checkFresh(Configuration hadoop, boolean overwrite, Path... paths) {
        for (Path p : paths) {
            try {
                FileSystem fs = p.getFileSystem(hadoop);
                if (fs.exists(p)) {
                    if (!overwrite) {
                        throw new InvalidInputException(p + " exists; choose another --out or add --overwrite");
                    }
                    fs.delete(p, true);
                }
            } catch (IOException e) {
                throw new ModelLoadException("cannot check output " + p + ": " + e, e);
            }
        }
    }

    /** Every image file under the input (recursively), sorted, as fully qualified URIs. */
    static List<String> listImages(Configuration hadoop, Path input) {
        List<String> files = new ArrayList<>();
        try {
            FileSystem fs = input.getFileSystem(hadoop);
            if (!fs.exists(input)) {
                throw new ModelLoadException("input not found: " + input);
            }
            RemoteIterator<LocatedFileStatus> it = fs.listFiles(input, true);
            while (it.hasNext()) {
                LocatedFileStatus s = it.next();
                String name = s.getPath().getName();
                int dot = name.lastIndexOf('.');
                if (s.isFile() && dot > 0 && IMAGE_ENDINGS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT))) {
                    files.add(s.getPath().toString());
                }
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot list input " + input + ": " + e, e);
        }
        if (files.isEmpty()) {
            throw new InvalidInputException("no image files (" + String.join(", ", IMAGE_ENDINGS.stream().sorted()
                    .toList()) + ") under " + input);
        }
        files.sort(null);
        return files;
    }

    /** Writes each overlay beside where its image sits relative to the input: overlays/a/b.jpg.overlay.png. */
    private static void writeOverlays(Dataset<Row> written, Path input, Path overlays) {
        String root;
        try {
            root = input.getFileSystem(written.sparkSession().sparkContext().hadoopConfiguration())
                    .makeQualified(input).toString();
        } catch (IOException e) {
            throw new ModelLoadException("cannot resolve input " + input + ": " + e, e);
        }
        String target = overlays.toString();
        written.filter("overlay_png is not null").select("path", "overlay_png").foreachPartition(
                (Iterator<Row> rows) -> {
                    Configuration conf = new Configuration();
                    while (rows.hasNext()) {
                        Row r = rows.next();
                        String path = r.getString(0);
                        String relative = path.startsWith(root + "/") ? path.substring(root.length() + 1)
                                : new Path(path).getName();
                        Path png = new Path(target, relative + ".overlay.png");
                        try (OutputStream o = png.getFileSystem(conf).create(png, true)) {
                            o.write((byte[]) r.get(1));
                        }
                    }
                });
    }
}
