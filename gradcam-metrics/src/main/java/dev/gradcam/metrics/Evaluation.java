package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One candidate's metric values for a batch: per metric, one value per image (NaN where the metric does not apply,
 * with a note saying why), and the deletion / insertion curves. Immutable.
 */
public final class Evaluation {

    private final String candidate;
    private final Map<String, double[]> values;
    private final Map<String, Curves> curves;
    private final List<String> notes;

    Evaluation(String candidate, Map<String, double[]> values, Map<String, Curves> curves, List<String> notes) {
        this.candidate = candidate;
        Map<String, double[]> v = new LinkedHashMap<>();
        values.forEach((k, a) -> v.put(k, a.clone()));
        this.values = Collections.unmodifiableMap(v);
        this.curves = Collections.unmodifiableMap(new LinkedHashMap<>(curves));
        this.notes = List.copyOf(new ArrayList<>(notes));
    }

    public String candidate() {
        return candidate;
    }

    /** Metric name (as asked for) to values per image, in the order asked. Arrays are copies. */
    public Map<String, double[]> values() {
        Map<String, double[]> v = new LinkedHashMap<>();
        values.forEach((k, a) -> v.put(k, a.clone()));
        return v;
    }

    /** The values of one metric per image. */
    public double[] values(String metric) {
        double[] v = values.get(metric);
        if (v == null) {
            throw new InvalidArgumentException("no metric '" + metric + "' in this evaluation; it has "
                    + values.keySet());
        }
        return v.clone();
    }

    /** {@code deletion} and/or {@code insertion} curves, when asked for. */
    public Map<String, Curves> curves() {
        return curves;
    }

    /** Why some metrics are NaN, e.g. "infidelity needs pixel attributions". */
    public List<String> notes() {
        return notes;
    }
}
