package dev.gradcam.spark;

import dev.gradcam.api.DifferentiableModel;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkFiles;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;

/**
 * One task's work: take this JVM's copy of the model (loaded by the first task that needs it), then explain the
 * partition a batch at a time, lazily, so a partition of any size needs memory for one batch only.
 */
final class ExplainPartition implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final ExplainSettings settings;

    ExplainPartition(ExplainSettings settings) {
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        if (!rows.hasNext()) {
            return rows; // an empty partition loads no model
        }
        Path file = Path.of(SparkFiles.get(settings.modelFile()));
        DifferentiableModel model = ExecutorModels.get(file, settings.backend(), settings.backendOptions());
        BatchExplainer batches = new BatchExplainer(settings, settings.explainer(model), model);
        return new Iterator<>() {
            private final Deque<Row> ready = new ArrayDeque<>();

            @Override
            public boolean hasNext() {
                if (ready.isEmpty() && rows.hasNext()) {
                    List<Row> batch = new ArrayList<>(settings.batchSize());
                    while (batch.size() < settings.batchSize() && rows.hasNext()) {
                        batch.add(rows.next());
                    }
                    ready.addAll(batches.explain(batch));
                }
                return !ready.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return ready.poll();
            }
        };
    }
}
