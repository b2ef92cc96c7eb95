package dev.gradcam.spark;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Models;
import dev.gradcam.api.UnknownLayerException;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.metrics.Candidate;
import dev.gradcam.metrics.Evaluator;
import dev.gradcam.metrics.MetricName;
import dev.gradcam.metrics.Scoring;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Spark path against the single-JVM {@link Explainer} (the reference: same model file, same options, each image
 * explained alone), on {@code local[2]}: one Spark session for the class, 24 generated images and a corrupt one.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SparkExplainerTest {

    /** The committed PyTorch fixture (resnet_basic: [N, 3, 32, 32] in, 10 logits), read in place. */
    private static final Path MODEL = Path.of("../gradcam-onnx/runtime/src/test/resources/dev/gradcam/onnx/fixtures/"
            + "resnet_basic.onnx");
    private static final int IMAGES = 24;
    private static final Preprocessing PRE = Preprocessing.imagenet().withSize(32, 32);

    private SparkSession spark;
    private Path images;
    private final Map<String, Reference> references = new HashMap<>();
    private int loadsBefore;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        loadsBefore = ExecutorModels.loads();
        spark = SparkSession.builder().master("local[2]").appName("gradcam-spark-test")
                .config("spark.ui.enabled", "false").config("spark.sql.shuffle.partitions", "2").getOrCreate();
        images = Files.createDirectories(dir.resolve("images"));
        Random random = new Random(17);
        for (int i = 0; i < IMAGES; i++) {
            Path file = images.resolve(String.format("img%02d.png", i));
            PngWriter.write(scene(random), file);
        }
        Files.write(images.resolve("corrupt.png"), new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 1, 2, 3});
        try (DifferentiableModel model = Models.load(MODEL, "onnx", Map.of("intraOpThreads", "1"))) {
            Explainer explainer = Explainer.of(model, "grad-cam").layer("layer2").build();
            Evaluator evaluator = Evaluator.builder(Scoring.of(model)).build();
            for (int i = 0; i < IMAGES; i++) {
                Path file = images.resolve(String.format("img%02d.png", i));
                FloatTensor x = Images.load(file, PRE);
                Explanation e = explainer.explain(x);
                Explanation fixed = explainer.explain(x, Targets.classLogit(i % 10));
                byte[] overlay = PngWriter.toBytes(Overlay.defaults().apply(x, PRE, e.heatmap(0)));
                double change = evaluator.evaluate(x, List.of(Targets.classLogit(e.targetClass(0))),
                        Candidate.ofMaps("grad-cam", e.heatmaps()), List.of(MetricName.parse("confidence-change")))
                        .values("confidence-change")[0];
                references.put(file.getFileName().toString(), new Reference(e, fixed, overlay, change));
            }
        }
    }

    @AfterAll
    void stop() {
        if (spark != null) {
            spark.stop();
            assertEquals(0, ExecutorModels.open(), "models left open after the local application ended");
        }
    }

    @Test
    void binaryFileRowsEqualTheSingleJvmExplainerBitForBitAndACorruptImageIsAnErrorRow() {
        Dataset<Row> input = spark.read().format("binaryFile").load(images.toString()).repartition(2);
        SparkExplainer explainer = SparkExplainer.builder(MODEL).method("grad-cam").layer("layer2").preprocessing(PRE)
                .batchSize(4).build();
        Dataset<Row> out = explainer.explain(input);
        assertTrue(Arrays.asList(out.columns()).containsAll(List.of("path", "content", "target", "score", "raw_map",
                "heatmap", "overlay_png", "provenance", "error")), Arrays.toString(out.columns()));

        List<Row> rows = out.collectAsList();
        assertEquals(IMAGES + 1, rows.size());
        int checked = 0;
        for (Row row : rows) {
            String path = row.getAs("path");
            String file = path.substring(path.lastIndexOf('/') + 1);
            if (file.equals("corrupt.png")) {
                String error = row.getAs("error");
                assertTrue(error.startsWith("ModelLoadException: cannot decode image") && error.contains("corrupt.png"),
                        error);
                assertNull(row.getAs("heatmap"));
                assertNull(row.getAs("target"));
                continue;
            }
            Reference ref = references.get(file);
            assertNull(row.getAs("error"), file);
            assertEquals(ref.top.targetClass(0), (int) row.<Integer>getAs("target"), file);
            assertEquals(ref.top.score(0), (double) row.<Double>getAs("score"), 0.0, file);
            assertArrayEquals(ref.top.heatmap(0).toArray(), flat(row.getList(row.fieldIndex("heatmap"))), file);
            assertArrayEquals(ref.top.rawMaps().slice(0).toArray(), flat(row.getList(row.fieldIndex("raw_map"))),
                    file);
            assertArrayEquals(ref.overlay, (byte[]) row.getAs("overlay_png"), file);
            Map<String, String> provenance = row.getJavaMap(row.fieldIndex("provenance"));
            assertEquals("grad-cam", provenance.get("method"));
            assertEquals("resnet_basic.onnx", provenance.get("model"));
            assertEquals(64, provenance.get("model.sha256").length());
            checked++;
        }
        assertEquals(IMAGES, checked);

        // A second action loads nothing more: every test here explains with the same model and options, and this
        // executor JVM (local mode has one executor) loads it once, whichever test runs first.
        assertEquals(IMAGES + 1, out.count());
        assertEquals(1, ExecutorModels.loads() - loadsBefore, "model loads in this executor");
    }

    @Test
    void sparkImageSourceAndPathsWithATargetColumnGiveTheSameMaps() {
        // Spark's image source (in spark-mllib, not a dependency here) stores decoded pixels as this struct: 8-bit,
        // row by row, B G R. Built here from the same files, as its ImageSchema.decode does.
        StructType imageSchema = new StructType().add("origin", DataTypes.StringType)
                .add("height", DataTypes.IntegerType).add("width", DataTypes.IntegerType)
                .add("nChannels", DataTypes.IntegerType).add("mode", DataTypes.IntegerType)
                .add("data", DataTypes.BinaryType);
        List<Row> structs = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            Path file = images.resolve(String.format("img%02d.png", i));
            BufferedImage im = Images.read(file);
            byte[] bgr = new byte[im.getWidth() * im.getHeight() * 3];
            for (int y = 0, at = 0; y < im.getHeight(); y++) {
                for (int x = 0; x < im.getWidth(); x++, at += 3) {
                    int rgb = im.getRGB(x, y);
                    bgr[at] = (byte) rgb;
                    bgr[at + 1] = (byte) (rgb >> 8);
                    bgr[at + 2] = (byte) (rgb >> 16);
                }
            }
            structs.add(RowFactory.create(RowFactory.create(file.toUri().toString(), im.getHeight(), im.getWidth(), 3,
                    16, bgr)));
        }
        Dataset<Row> decoded = spark.createDataFrame(structs, new StructType().add("image", imageSchema));
        List<Row> fromImages = SparkExplainer.builder(MODEL).layer("layer2").preprocessing(PRE).overlay(false).build()
                .explain(decoded).collectAsList();
        assertEquals(IMAGES, fromImages.size());
        for (Row row : fromImages) {
            String origin = row.getStruct(row.fieldIndex("image")).getAs("origin");
            Reference ref = references.get(origin.substring(origin.lastIndexOf('/') + 1));
            assertArrayEquals(ref.top.heatmap(0).toArray(), flat(row.getList(row.fieldIndex("heatmap"))), origin);
            assertNull(row.getAs("overlay_png"));
        }

        List<Row> labelled = new ArrayList<>();
        for (int i = 0; i < IMAGES; i++) {
            labelled.add(RowFactory.create(images.resolve(String.format("img%02d.png", i)).toString(), (long) (i % 10)));
        }
        labelled.add(RowFactory.create(images.resolve("missing.png").toString(), 3L));
        StructType schema = new StructType().add("path", DataTypes.StringType).add("label", DataTypes.LongType);
        List<Row> rows = SparkExplainer.builder(MODEL).layer("layer2").preprocessing(PRE).targetColumn("label")
                .columnPrefix("gradcam_").build().explain(spark.createDataFrame(labelled, schema)).collectAsList();
        for (Row row : rows) {
            String path = row.getAs("path");
            if (path.endsWith("missing.png")) {
                assertTrue(row.<String>getAs("gradcam_error").contains("missing.png"), row.<String>getAs("gradcam_error"));
                continue;
            }
            Reference ref = references.get(Path.of(path).getFileName().toString());
            assertEquals(row.<Long>getAs("label").intValue(), (int) row.<Integer>getAs("gradcam_target"));
            assertEquals(ref.fixed.score(0), (double) row.<Double>getAs("gradcam_score"), 0.0, path);
            assertArrayEquals(ref.fixed.heatmap(0).toArray(), flat(row.getList(row.fieldIndex("gradcam_heatmap"))),
                    path);
            assertNotNull(row.getAs("gradcam_overlay_png"));
        }
    }

    @Test
    void metricsColumnEqualsTheSingleJvmEvaluator() {
        Dataset<Row> input = spark.read().format("binaryFile").load(images.toString());
        List<Row> rows = SparkExplainer.builder(MODEL).layer("layer2").preprocessing(PRE).overlay(false).batchSize(4)
                .metrics("confidence-change").build().explain(input).collectAsList();
        int checked = 0;
        for (Row row : rows) {
            String path = row.getAs("path");
            if (path.endsWith("corrupt.png")) {
                assertNull(row.getAs("metrics"));
                continue;
            }
            Reference ref = references.get(path.substring(path.lastIndexOf('/') + 1));
            Map<String, Double> metrics = row.getJavaMap(row.fieldIndex("metrics"));
            // Reference: gradcam-metrics' Evaluator in one JVM on this image alone, its top class and heatmap.
            assertEquals(ref.confidenceChange, metrics.get("confidence-change"), 0.0, path);
            checked++;
        }
        assertEquals(IMAGES, checked);
        InvalidInputException unknown = assertThrows(InvalidInputException.class,
                () -> SparkExplainer.builder(MODEL).metrics("faithfulness"));
        assertTrue(unknown.getMessage().contains("road-morf"), unknown.getMessage());
    }

    @Test
    void badSettingsFailOnTheDriverBeforeAnyTask() {
        Dataset<Row> input = spark.read().format("binaryFile").load(images.toString());
        UnknownLayerException layer = assertThrows(UnknownLayerException.class,
                () -> SparkExplainer.builder(MODEL).layer("layer9").build().explain(input));
        assertTrue(layer.getMessage().contains("layer9"), layer.getMessage());

        InvalidInputException column = assertThrows(InvalidInputException.class,
                () -> SparkExplainer.builder(MODEL).imageColumn("pixels").build().explain(input));
        assertTrue(column.getMessage().contains("'pixels'") && column.getMessage().contains("content"),
                column.getMessage());

        InvalidInputException type = assertThrows(InvalidInputException.class,
                () -> SparkExplainer.builder(MODEL).imageColumn("length").build().explain(input));
        assertTrue(type.getMessage().contains("type bigint"), type.getMessage());

        InvalidInputException clash = assertThrows(InvalidInputException.class, () -> SparkExplainer.builder(MODEL)
                .build().explain(input.withColumnRenamed("length", "score")));
        assertTrue(clash.getMessage().contains("[score]") && clash.getMessage().contains("columnPrefix"),
                clash.getMessage());
    }

    private static float[] flat(List<Object> rows) {
        List<Float> values = new ArrayList<>();
        for (Object r : rows) {
            for (Object v : (List<?>) (r instanceof List<?> l ? l : scala.jdk.javaapi.CollectionConverters.asJava(
                    (scala.collection.Seq<?>) r))) {
                values.add((Float) v);
            }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    /** A random scene: a background and a few coloured shapes, 48 x 40 (resized to the model's 32 x 32). */
    private static BufferedImage scene(Random random) {
        BufferedImage image = new BufferedImage(48, 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(new Color(random.nextInt(0xFFFFFF)));
        g.fillRect(0, 0, 48, 40);
        for (int k = 0; k < 4; k++) {
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillOval(random.nextInt(40), random.nextInt(32), 6 + random.nextInt(16), 6 + random.nextInt(16));
        }
        g.dispose();
        return image;
    }

    private record Reference(Explanation top, Explanation fixed, byte[] overlay, double confidenceChange) {
    }
}
