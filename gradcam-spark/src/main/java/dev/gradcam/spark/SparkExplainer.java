package dev.gradcam.spark;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.Models;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.image.TensorLayout;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.metrics.MetricName;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerApplicationEnd;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Explains a Spark {@code Dataset<Row>} of images, one row per image, on the executors:
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("s3a://bucket/val/");
 * Dataset<Row> maps = SparkExplainer.builder(Path.of("resnet50.onnx"))
 *         .method("grad-cam").layer("layer4")
 *         .preprocessing(Preprocessing.imagenet().withSize(224, 224))
 *         .build()
 *         .explain(images);
 * maps.drop("content").write().parquet("s3a://bucket/val-gradcam/");
 * }</pre>
 *
 * <p>The result has the input's columns followed by {@code target} (int, the explained class), {@code score}
 * (double), {@code raw_map} and {@code heatmap} (arrays of rows of floats, at the layer's and at the output
 * resolution), {@code overlay_png} (binary), {@code provenance} (map of strings) and {@code error} (string, null
 * when the image was explained). An image that cannot be read or explained gets a row with {@code error} set and
 * the other result columns null, never a failed job.
 *
 * <p>How the work is spread: the model file is shipped once with {@code SparkContext.addFile}; each executor JVM loads
 * it once and shares it among its tasks (closed when the JVM exits); each task explains its partition in batches
 * ({@code mapPartitions}); ONNX Runtime gets {@code spark.task.cpus} threads per task, so that tasks times threads
 * equals the executor's cores. {@link #explain} checks the method, layers and options on the driver first, so a typo
 * fails before any task starts. Rows are explained as they come: repartition the input to spread small datasets over
 * every core.
 *
 * <p>Immutable; {@link #explain} may be called from any thread.
 */
public final class SparkExplainer {

    /** Applications for which the model file and the close listener are registered: appId + " " + model URI. */
    private static final Set<String> REGISTERED = ConcurrentHashMap.newKeySet();

    private final Builder b;

    private SparkExplainer(Builder b) {
        this.b = b.copy();
    }

    /** A builder for explaining with the model in this file (on the driver's file system). */
    public static Builder builder(Path model) {
        return new Builder(model);
    }

    /**
     * Adds the explanation columns to a dataset of images. Lazy, like every transformation: nothing runs until an
     * action (a write, a count) needs the rows.
     *
     * @throws InvalidInputException      if the image or target column is missing or of the wrong type, or a result
     *                                    column's name is taken
     * @throws dev.gradcam.api.GradCamException from loading the model and building the explainer on the driver
     *                                    (unknown layer or method, unsupported capability, unreadable model)
     */
    public Dataset<Row> explain(Dataset<Row> images) {
        InvalidArgumentException.requireNonNull(images, "images");
        StructType schema = images.schema();
        String imageColumn = b.imageColumn != null ? b.imageColumn : guessImageColumn(schema);
        int image = index(schema, imageColumn, "image");
        ImageInput input = ImageInput.of(imageColumn, schema.fields()[image].dataType());
        int target = b.targetColumn == null ? -1 : index(schema, b.targetColumn, "target");
        if (target >= 0 && !isIntegral(schema.fields()[target].dataType())) {
            throw new InvalidInputException("target column '" + b.targetColumn + "' has type "
                    + schema.fields()[target].dataType().simpleString() + "; it must hold class indices (int, long, "
                    + "short or byte; null for the image's top class)");
        }
        int name = input == ImageInput.PATH ? image : pathColumn(schema);
        StructType out = new ResultColumns(b.columnPrefix, !b.metrics.isEmpty()).appendTo(schema);

        SparkContext sc = images.sparkSession().sparkContext();
        Map<String, String> options = new LinkedHashMap<>(b.backendOptions);
        if ("onnx".equals(b.backend) && !options.containsKey("intraOpThreads")) {
            int threads = b.threadsPerTask > 0 ? b.threadsPerTask : sc.getConf().getInt("spark.task.cpus", 1);
            options.put("intraOpThreads", Integer.toString(threads));
        }
        Preprocessing preprocessing = validateOnDriver(options);
        ExplainSettings settings = new ExplainSettings(b.model.getFileName().toString(), sha256(b.model), b.backend,
                options, b.method, b.layers, b.customizer, PreprocessingSpec.of(preprocessing), image, input, name,
                target, b.targetClass, b.overlay, b.overlayAlpha, b.batchSize, b.metrics);
        ship(sc);
        return images.mapPartitions(new ExplainPartition(settings), Encoders.row(out));
    }

    /**
     * Loads the model once on the driver and builds the explainer, so that bad settings fail here, not in every
     * task; gives the preprocessing, sized to the model's input when no size was set and the input's is fixed.
     */
    private Preprocessing validateOnDriver(Map<String, String> options) {
        try (DifferentiableModel model = Models.load(b.model, b.backend, options)) {
            ExplainSettings probe = new ExplainSettings(b.model.getFileName().toString(), "", b.backend, options,
                    b.method, b.layers, b.customizer, PreprocessingSpec.of(b.preprocessing), 0, ImageInput.BYTES, -1,
                    -1, b.targetClass, b.overlay, b.overlayAlpha, b.batchSize, b.metrics);
            probe.explainer(model);
            Preprocessing p = b.preprocessing;
            if (p.width() == 0 && p.shorterSide() == 0 && !model.inputs().isEmpty()) {
                Shape s = model.inputs().get(0).shape();
                boolean nchw = p.layout() == TensorLayout.NCHW;
                if (s.rank() == 4 && s.dim(nchw ? 2 : 1) > 0 && s.dim(nchw ? 3 : 2) > 0) {
                    p = p.withSize((int) s.dim(nchw ? 3 : 2), (int) s.dim(nchw ? 2 : 1));
                }
            }
            return p;
        }
    }

    /** Ships the model file with the application (once) and closes local models when a local application ends. */
    private void ship(SparkContext sc) {
        String uri = b.model.toAbsolutePath().toUri().toString();
        if (REGISTERED.add(sc.applicationId() + " " + uri)) {
            try {
                sc.addFile(uri);
            } catch (IllegalArgumentException | InvalidArgumentException e) {
                REGISTERED.remove(sc.applicationId() + " " + uri);
                throw new InvalidInputException("cannot ship model " + b.model.toAbsolutePath() + " to the executors: "
                        + e.getMessage() + " (Spark ships files by name: give each model of an application its own "
                        + "file name)", e);
            }
        }
        if (sc.isLocal() && REGISTERED.add(sc.applicationId() + " listener")) {
            // In local mode the executor is this JVM: free its models when the application ends, as an executor's
            // exit would; their shipped files are deleted with the application.
            sc.addSparkListener(new SparkListener() {
                @Override
                public void onApplicationEnd(SparkListenerApplicationEnd end) {
                    ExecutorModels.closeAll();
                }
            });
        }
    }

    private static String guessImageColumn(StructType schema) {
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String candidate : List.of("content", "image", "path")) {
            if (names.contains(candidate)) {
                return candidate;
            }
        }
        throw new InvalidInputException("no image column: the input has " + names + " but none of 'content' "
                + "(binaryFile source), 'image' (image source) or 'path'; name it with imageColumn(...)");
    }

    private static int index(StructType schema, String column, String role) {
        List<String> names = Arrays.asList(schema.fieldNames());
        int i = names.indexOf(column);
        if (i < 0) {
            throw new InvalidInputException("no " + role + " column '" + column + "'; the input's columns are " + names);
        }
        return i;
    }

    private static int pathColumn(StructType schema) {
        int i = Arrays.asList(schema.fieldNames()).indexOf("path");
        return i >= 0 && schema.fields()[i].dataType() == DataTypes.StringType ? i : -1;
    }

    private static boolean isIntegral(DataType t) {
        return t == DataTypes.IntegerType || t == DataTypes.LongType || t == DataTypes.ShortType
                || t == DataTypes.ByteType;
    }

    private static String sha256(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException e) {
            throw new ModelLoadException("cannot read model file " + file.toAbsolutePath() + ": " + e, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** Collects settings; {@link #build()} checks them. Not thread-safe. */
    public static final class Builder {
        private final Path model;
        private String backend = "onnx";
        private Map<String, String> backendOptions = new LinkedHashMap<>();
        private String method = "grad-cam";
        private List<String> layers = List.of("auto");
        private ExplainerCustomizer customizer;
        private Preprocessing preprocessing = Preprocessing.imagenet();
        private String imageColumn;
        private String targetColumn;
        private int targetClass = -1;
        private boolean overlay = true;
        private double overlayAlpha = 0.5;
        private int batchSize = 8;
        private int threadsPerTask;
        private String columnPrefix = "";
        private List<String> metrics = List.of();

        private Builder(Path model) {
            this.model = InvalidArgumentException.requireNonNull(model, "model");
        }

        private Builder copy() {
            Builder c = new Builder(model);
            c.backend = backend;
            c.backendOptions = new LinkedHashMap<>(backendOptions);
            c.method = method;
            c.layers = layers;
            c.customizer = customizer;
            c.preprocessing = preprocessing;
            c.imageColumn = imageColumn;
            c.targetColumn = targetColumn;
            c.targetClass = targetClass;
            c.overlay = overlay;
            c.overlayAlpha = overlayAlpha;
            c.batchSize = batchSize;
            c.threadsPerTask = threadsPerTask;
            c.columnPrefix = columnPrefix;
            c.metrics = metrics;
            return c;
        }

        /** The method's kebab-case name, e.g. {@code grad-cam} (default), {@code score-cam}, {@code layer-cam}. */
        public Builder method(String method) {
            this.method = InvalidArgumentException.requireNonNull(method, "method");
            return this;
        }

        /** The layer: a module path such as {@code layer4}, a node or tensor name, or {@code auto} (default). */
        public Builder layer(String layer) {
            this.layers = List.of(InvalidArgumentException.requireNonNull(layer, "layer"));
            return this;
        }

        /** Several layers, fused as {@code Explainer.Builder#layers} does. */
        public Builder layers(List<String> layers) {
            if (layers.isEmpty()) {
                throw new IllegalArgumentException("give at least one layer");
            }
            this.layers = List.copyOf(layers);
            return this;
        }

        /** How images become tensors (default ImageNet values, resized to the model's input size when fixed). */
        public Builder preprocessing(Preprocessing preprocessing) {
            this.preprocessing = InvalidArgumentException.requireNonNull(preprocessing, "preprocessing");
            return this;
        }

        /** Further explainer settings, applied on every executor; the lambda must be serializable. */
        public Builder configure(ExplainerCustomizer customizer) {
            this.customizer = InvalidArgumentException.requireNonNull(customizer, "customizer");
            return this;
        }

        /**
         * The column holding the images: binary (encoded files), string (paths or URIs) or Spark's image struct.
         * Default: {@code content}, {@code image} or {@code path}, whichever the input has first.
         */
        public Builder imageColumn(String column) {
            this.imageColumn = InvalidArgumentException.requireNonNull(column, "column");
            return this;
        }

        /** A column of class indices to explain, one per image; a null cell means the image's top class. */
        public Builder targetColumn(String column) {
            this.targetColumn = InvalidArgumentException.requireNonNull(column, "column");
            return this;
        }

        /** The same class for every image (default: each image's top class). */
        public Builder targetClass(int classIndex) {
            if (classIndex < 0) {
                throw new IllegalArgumentException("class index must be >= 0, got " + classIndex);
            }
            this.targetClass = classIndex;
            return this;
        }

        /** Each image's top class (the default). */
        public Builder topClass() {
            this.targetClass = -1;
            return this;
        }

        /** Whether to render overlay PNGs (default true); without, {@code overlay_png} is null. */
        public Builder overlay(boolean overlay) {
            this.overlay = overlay;
            return this;
        }

        /** The heatmap's opacity in overlays, 0..1 (default 0.5). */
        public Builder overlayAlpha(double alpha) {
            if (!(alpha >= 0 && alpha <= 1)) {
                throw new IllegalArgumentException("overlay alpha must be in [0, 1], got " + alpha);
            }
            this.overlayAlpha = alpha;
            return this;
        }

        /** Images per model call (default 8). */
        public Builder batchSize(int batchSize) {
            if (batchSize < 1) {
                throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
            }
            this.batchSize = batchSize;
            return this;
        }

        /**
         * ONNX Runtime threads per task (default {@code spark.task.cpus}, i.e. 1: each task one core, as many
         * tasks as the executor has cores). Raise it together with {@code spark.task.cpus}.
         */
        public Builder threadsPerTask(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads per task must be >= 1, got " + threads);
            }
            this.threadsPerTask = threads;
            return this;
        }

        /** The backend's name (default {@code onnx}). */
        public Builder backend(String backend) {
            this.backend = InvalidArgumentException.requireNonNull(backend, "backend");
            return this;
        }

        /** A backend option, e.g. {@code executionProvider=cuda} for executors with GPUs. */
        public Builder backendOption(String key, String value) {
            backendOptions.put(InvalidArgumentException.requireNonNull(key, "key"), InvalidArgumentException.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Evaluation metrics to compute for each image's heatmap and explained class, in a {@code metrics} column
         * (map of name to value), by gradcam-metrics' names, e.g. {@code confidence-change}, {@code deletion},
         * {@code road-combined}. Default none (and no column). Each costs extra model passes per image.
         *
         * @throws InvalidInputException for an unknown name, listing the known ones
         */
        public Builder metrics(String... names) {
            for (String n : names) {
                try {
                    MetricName.parse(n);
                } catch (IllegalArgumentException | InvalidArgumentException e) {
                    throw new InvalidInputException(e.getMessage(), e);
                }
            }
            this.metrics = List.of(names);
            return this;
        }

        /** A prefix for the result columns' names, e.g. {@code gradcam_} (default none). */
        public Builder columnPrefix(String prefix) {
            this.columnPrefix = InvalidArgumentException.requireNonNull(prefix, "prefix");
            return this;
        }

        /**
         * The explainer. The model is loaded (on the driver, to check the settings) only by {@link #explain}.
         *
         * @throws ModelLoadException if the model file does not exist
         */
        public SparkExplainer build() {
            if (!Files.isRegularFile(model)) {
                throw new ModelLoadException("model file not found: " + model.toAbsolutePath()
                        + " (it must be on the driver's file system; Spark ships it to the executors)");
            }
            return new SparkExplainer(this);
        }
    }
}
