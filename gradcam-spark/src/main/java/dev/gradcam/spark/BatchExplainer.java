package dev.gradcam.spark;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Provenance;
import dev.gradcam.api.ResourceClosedException;
import dev.gradcam.api.image.Images;
import dev.gradcam.api.image.Overlay;
import dev.gradcam.api.image.PngWriter;
import dev.gradcam.api.image.Preprocessing;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.metrics.Candidate;
import dev.gradcam.metrics.Evaluation;
import dev.gradcam.metrics.Evaluator;
import dev.gradcam.metrics.MetricName;
import dev.gradcam.metrics.Scoring;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Explains rows a batch at a time: decodes each image, runs images of one shape through the model together, and
 * turns each image's result, or what went wrong with it, into an output row. A failure is confined to its image:
 * a batch that fails as a whole is retried image by image, so one bad image never costs the others their maps.
 */
final class BatchExplainer {

    private final ExplainSettings settings;
    private final Explainer explainer;
    private final Preprocessing preprocessing;
    private final Overlay overlay;
    private final Evaluator evaluator;
    private final List<MetricName> metrics;

    BatchExplainer(ExplainSettings settings, Explainer explainer, DifferentiableModel model) {
        this.settings = settings;
        this.explainer = explainer;
        this.metrics = settings.metrics().stream().map(MetricName::parse).toList();
        this.evaluator = metrics.isEmpty() ? null : Evaluator.builder(Scoring.of(model)).build();
        this.preprocessing = settings.preprocessing().toPreprocessing();
        this.overlay = Overlay.defaults().withAlpha(settings.overlayAlpha());
    }

    /** One output row per input row, in the same order. */
    List<Row> explain(List<Row> rows) {
        Object[][] results = new Object[rows.size()][];
        Map<Shape, List<Decoded>> byShape = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            try {
                FloatTensor image = Images.toTensor(settings.input().decode(row, settings.imageColumn(), name(row, i)),
                        preprocessing);
                byShape.computeIfAbsent(image.shape(), s -> new ArrayList<>()).add(new Decoded(i, image, target(row)));
            } catch (RuntimeException e) {
                results[i] = failure(e);
            }
        }
        for (List<Decoded> group : byShape.values()) {
            explainGroup(group, results);
        }
        List<Row> out = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            Object[] values = new Object[row.length() + results[i].length];
            for (int c = 0; c < row.length(); c++) {
                values[c] = row.get(c);
            }
            System.arraycopy(results[i], 0, values, row.length(), results[i].length);
            out.add(RowFactory.create(values));
        }
        return out;
    }

    private void explainGroup(List<Decoded> group, Object[][] results) {
        try {
            FloatTensor batch = FloatTensor.concat(group.stream().map(Decoded::image).toList());
            Explanation e = explainer.explain(batch, group.stream().map(Decoded::target).toList());
            Evaluation scores = evaluate(batch, e);
            for (int j = 0; j < group.size(); j++) {
                Decoded d = group.get(j);
                results[d.index()] = success(e, j, d.image(), scores);
            }
        } catch (ResourceClosedException e) {
            throw e; // the executor is shutting down: the task must fail and be retried elsewhere
        } catch (RuntimeException e) {
            if (group.size() == 1) {
                results[group.get(0).index()] = failure(e);
                return;
            }
            for (Decoded d : group) {
                explainGroup(List.of(d), results);
            }
        }
    }

    /** The metrics of the explained classes (each image's pinned top class), or null when none were asked for. */
    private Evaluation evaluate(FloatTensor batch, Explanation e) {
        if (evaluator == null) {
            return null;
        }
        List<Target> explained = new ArrayList<>();
        for (int i = 0; i < e.size(); i++) {
            explained.add(e.targetClass(i) >= 0 ? Targets.classLogit(e.targetClass(i)) : Targets.topClass());
        }
        return evaluator.evaluate(batch, explained, Candidate.ofMaps(explainer.method(), e.heatmaps()), metrics);
    }

    private Object[] success(Explanation e, int i, FloatTensor image, Evaluation scores) {
        FloatTensor heatmap = e.heatmap(i);
        byte[] png = settings.overlay() ? PngWriter.toBytes(overlay.apply(image, preprocessing, heatmap)) : null;
        Object[] row = {e.targetClass(i), e.score(i), rows2d(e.rawMaps().slice(i)), rows2d(heatmap), png,
            scala.jdk.javaapi.CollectionConverters.asScala(provenance(e.provenance(), e.target(i))), null, null};
        if (scores == null) {
            return Arrays.copyOf(row, 7);
        }
        Map<String, Double> values = new LinkedHashMap<>();
        scores.values().forEach((name, v) -> values.put(name, v[i]));
        row[7] = scala.jdk.javaapi.CollectionConverters.asScala(values);
        return row;
    }

    private Object[] failure(RuntimeException e) {
        String message = e.getMessage() == null ? "" : ": " + e.getMessage();
        Object[] row = {null, null, null, null, null, null, e.getClass().getSimpleName() + message, null};
        return metrics.isEmpty() ? Arrays.copyOf(row, 7) : row;
    }

    /** Spark's external type for a map column is a Scala map: converted by the caller. */
    private Map<String, String> provenance(Provenance p, String target) {
        Map<String, String> m = new LinkedHashMap<>(p.details());
        m.put("method", p.method());
        m.put("layer", p.layer());
        m.put("backend", p.backend());
        m.put("executionProvider", p.executionProvider());
        m.put("gradientMode", p.gradientMode());
        m.put("libraryVersion", p.libraryVersion());
        m.put("model", settings.modelFile());
        m.put("model.sha256", settings.modelSha256());
        m.put("target", target);
        return m;
    }

    /** A map [h, w] as h rows of w floats (Spark's array of arrays). */
    private static float[][] rows2d(FloatTensor map) {
        Shape s = map.shape();
        int h = s.intDim(s.rank() - 2);
        int w = s.intDim(s.rank() - 1);
        float[] flat = map.toArray();
        float[][] rows = new float[h][];
        for (int y = 0; y < h; y++) {
            rows[y] = Arrays.copyOfRange(flat, y * w, (y + 1) * w);
        }
        return rows;
    }

    private Target target(Row row) {
        int c = settings.targetColumn();
        if (c >= 0 && !row.isNullAt(c)) {
            return Targets.classLogit(((Number) row.get(c)).intValue());
        }
        return settings.targetClass() >= 0 ? Targets.classLogit(settings.targetClass()) : Targets.topClass();
    }

    private String name(Row row, int i) {
        int c = settings.nameColumn();
        return c >= 0 && !row.isNullAt(c) ? row.get(c).toString() : "in row " + i + " of its batch";
    }

    private record Decoded(int index, FloatTensor image, Target target) {
    }
}
