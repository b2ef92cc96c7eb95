package dev.gradcam.spark.cli;

import dev.gradcam.api.BackendUnavailableException;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.image.ChannelOrder;
import dev.gradcam.api.image.Preprocessing;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gradcam spark}: explains every image under a folder on Apache Spark and writes Parquet (and, with
 * {@code --png}, overlay PNGs). Embedded by default ({@code local[*]}, no cluster); the same main runs under
 * {@code spark-submit}, which sets the master.
 *
 * <pre>
 * java [Spark's --add-opens options] -cp "gradcam-spark-job.jar:$SPARK_HOME/jars/*" dev.gradcam.spark.cli.SparkCommand \
 *     --model resnet50.onnx --input images/ --out out/
 * spark-submit --master spark://host:7077 --class dev.gradcam.spark.cli.SparkCommand gradcam-spark-job.jar \
 *     --model resnet50.onnx --input hdfs:///data/val --out hdfs:///data/val-gradcam
 * </pre>
 *
 * <p>This class touches no Spark type, so the {@code gradcam} CLI can list it without Spark on its class path and
 * explain what is missing when it is run; {@link SparkJob} does the work.
 */
@Command(name = "spark", mixinStandardHelpOptions = true,
        description = {"Explain every image under a folder on Apache Spark; write Parquet (and PNG overlays).",
            "Runs on local[*] unless --master or spark-submit sets a master. Needs Spark on the class path."})
public final class SparkCommand implements Callable<Integer> {

    /** The CLI's exit code for a missing capability (here: Spark itself). */
    static final int UNSUPPORTED = 5;

    @Spec
    CommandSpec spec;

    @Option(names = {"-m", "--model"}, paramLabel = "FILE", required = true,
            description = "The model file (.onnx), on the driver's file system; Spark ships it to the executors.")
    Path model;

    @Option(names = {"-i", "--input"}, paramLabel = "DIR", required = true,
            description = "A folder of images (searched recursively) or one image; a local path or a Hadoop URI "
                    + "(hdfs://, s3a://) that every executor can read.")
    String input;

    @Option(names = {"-o", "--out"}, paramLabel = "DIR", required = true,
            description = "Where to write: DIR/explanations (Parquet) and, with --png, DIR/overlays/.")
    String out;

    @Option(names = {"-M", "--method"}, paramLabel = "NAME", defaultValue = "grad-cam",
            description = "A class-activation method (default: ${DEFAULT-VALUE}); see gradcam explain --help.")
    String method;

    @Option(names = {"-l", "--layer"}, paramLabel = "LAYER", defaultValue = "auto",
            description = "Layer(s): module path, node or tensor name, or auto (default); repeat to fuse several.")
    List<String> layers;

    @Option(names = {"-t", "--target"}, paramLabel = "TARGET", defaultValue = "top",
            description = "top (each image's top class, default) or a class index.")
    String target;

    @Option(names = "--size", paramLabel = "WxH",
            description = "Resize images to WIDTHxHEIGHT (default: the model's input size when fixed).")
    String size;

    @Option(names = "--normalize", paramLabel = "PRESET", defaultValue = "imagenet",
            description = "imagenet, minus-one-to-one, zero-to-one or raw (default: ${DEFAULT-VALUE}).")
    String normalize;

    @Option(names = "--channel-order", paramLabel = "ORDER", defaultValue = "rgb",
            description = "rgb or bgr (default: ${DEFAULT-VALUE}).")
    String channelOrder;

    @Option(names = "--png", description = "Also write each overlay as DIR/overlays/<image path>.overlay.png.")
    boolean png;

    @Option(names = "--overwrite", description = "Replace earlier results in DIR.")
    boolean overwrite;

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "8",
            description = "Images per model call (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--partitions", paramLabel = "N", defaultValue = "0",
            description = "Spark partitions (default: 2 x Spark's default parallelism, i.e. 2 x the cores).")
    int partitions;

    @Option(names = "--threads-per-task", paramLabel = "N", defaultValue = "0",
            description = "ONNX Runtime threads per task (default: spark.task.cpus, i.e. 1).")
    int threadsPerTask;

    @Option(names = "--master", paramLabel = "URL",
            description = "Spark master (default: the one spark-submit sets, else local[*]).")
    String master;

    @Option(names = {"-b", "--backend"}, paramLabel = "NAME", defaultValue = "onnx",
            description = "The backend (default: ${DEFAULT-VALUE}).")
    String backend;

    @Option(names = "--backend-option", paramLabel = "KEY=VALUE", description = "A backend setting; repeatable.")
    Map<String, String> backendOptions = new LinkedHashMap<>();

    /** Runs the command as a program, for {@code spark-submit --class} and {@code java -cp}. */
    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs the command without exiting: 0 success, 1 failure, 2 bad arguments, 5 Spark missing (as the
     * {@code gradcam} CLI's exit codes, where its finer codes apply when run as {@code gradcam spark}).
     */
    static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new SparkCommand());
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, line, parsed) -> {
            if (ex instanceof GradCamException) {
                line.getErr().println("gradcam spark: " + ex.getMessage());
                return ex instanceof BackendUnavailableException ? UNSUPPORTED : 1;
            }
            throw ex;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        if (!sparkOnClassPath()) {
            throw new BackendUnavailableException("Apache Spark is not on the class path. The gradcam jar leaves "
                    + "Spark out (its ~330 MB of jars belong to your Spark installation). Run with Spark's jars, e.g.\n"
                    + "  spark-submit --class dev.gradcam.spark.cli.SparkCommand gradcam-spark-job.jar --model M.onnx "
                    + "--input DIR --out DIR\n"
                    + "or see docs/spark.md for the embedded local[*] run.");
        }
        JavaOptions.check();
        if (batchSize < 1 || partitions < 0 || threadsPerTask < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch-size must be >= 1, --partitions "
                    + "and --threads-per-task >= 0; got " + batchSize + ", " + partitions + ", " + threadsPerTask);
        }
        PrintWriter stdout = spec.commandLine().getOut();
        return SparkJob.run(this, preprocessing(), targetClass(), stdout);
    }

    static boolean sparkOnClassPath() {
        try {
            Class.forName("org.apache.spark.sql.SparkSession", false, SparkCommand.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    private int targetClass() {
        if (target.equalsIgnoreCase("top")) {
            return -1;
        }
        try {
            int c = Integer.parseInt(target.strip());
            if (c >= 0) {
                return c;
            }
        } catch (NumberFormatException e) {
            // the message below
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--target must be 'top' or a class index >= 0,"
                + " got '" + target + "'");
    }

    private Preprocessing preprocessing() {
        Preprocessing p = switch (normalize.toLowerCase(Locale.ROOT)) {
            case "imagenet" -> Preprocessing.imagenet();
            case "minus-one-to-one" -> Preprocessing.minusOneToOne();
            case "zero-to-one" -> Preprocessing.zeroToOne();
            case "raw" -> Preprocessing.raw();
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "unknown --normalize preset '"
                    + normalize + "'; use imagenet, minus-one-to-one, zero-to-one or raw");
        };
        switch (channelOrder.toLowerCase(Locale.ROOT)) {
            case "rgb" -> p = p.withChannelOrder(ChannelOrder.RGB);
            case "bgr" -> p = p.withChannelOrder(ChannelOrder.BGR);
            default -> throw new CommandLine.ParameterException(spec.commandLine(), "unknown --channel-order '"
                    + channelOrder + "'; use rgb or bgr");
        }
        if (size != null) {
            String[] wh = size.toLowerCase(Locale.ROOT).split("x");
            try {
                int w = Integer.parseInt(wh[0].strip());
                int h = Integer.parseInt(wh[1].strip());
                if (wh.length == 2 && w > 0 && h > 0) {
                    return p.withSize(w, h);
                }
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                // the message below
            }
            throw new CommandLine.ParameterException(spec.commandLine(), "'" + size + "' is not a size; use "
                    + "WIDTHxHEIGHT, e.g. 224x224");
        }
        return p;
    }
}
