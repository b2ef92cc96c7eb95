package dev.gradcam.spark;

import dev.gradcam.api.InvalidInputException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The columns {@link SparkExplainer} appends to its input, each name with an optional prefix:
 * <ul>
 *   <li>{@code target} (int): the explained class, -1 for a target that is not a class;</li>
 *   <li>{@code score} (double): the target's score;</li>
 *   <li>{@code raw_map} (array of rows of float): the signed map at the layer's resolution, {@code [h][w]};</li>
 *   <li>{@code heatmap} (array of rows of float): the post-processed map at the output size, {@code [H][W]};</li>
 *   <li>{@code overlay_png} (binary): the heatmap over the preprocessed image, PNG; null when overlays are off;</li>
 *   <li>{@code provenance} (map of string to string): method, layer, backend, execution provider, gradient mode,
 *       library version, model file and SHA-256, target, and the backend's details;</li>
 *   <li>{@code error} (string): null, or why this image has no explanation (then the columns above are null);</li>
 *   <li>{@code metrics} (map of string to double), only when metrics were asked for: each metric's value for this
 *       image (gradcam-metrics' {@code Evaluator} on the heatmap).</li>
 * </ul>
 */
record ResultColumns(String prefix, boolean metrics) implements Serializable {

    private static final long serialVersionUID = 1L;

    static final List<String> NAMES = List.of("target", "score", "raw_map", "heatmap", "overlay_png", "provenance",
            "error");

    /** The output columns' names, in order. */
    List<String> names() {
        List<String> names = new ArrayList<>(NAMES.stream().map(n -> prefix + n).toList());
        if (metrics) {
            names.add(prefix + "metrics");
        }
        return names;
    }

    /**
     * The input schema with the result columns appended.
     *
     * @throws InvalidInputException if a result column's name is taken by an input column
     */
    StructType appendTo(StructType input) {
        List<String> taken = new ArrayList<>(Arrays.asList(input.fieldNames()));
        taken.retainAll(names());
        if (!taken.isEmpty()) {
            throw new InvalidInputException("the input already has column(s) " + taken + " that the results would "
                    + "overwrite; rename them or set a column prefix, e.g. columnPrefix(\"gradcam_\")");
        }
        DataType map2d = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.FloatType, false), false);
        StructType out = input;
        List<StructField> fields = List.of(
                DataTypes.createStructField(prefix + "target", DataTypes.IntegerType, true),
                DataTypes.createStructField(prefix + "score", DataTypes.DoubleType, true),
                DataTypes.createStructField(prefix + "raw_map", map2d, true),
                DataTypes.createStructField(prefix + "heatmap", map2d, true),
                DataTypes.createStructField(prefix + "overlay_png", DataTypes.BinaryType, true),
                DataTypes.createStructField(prefix + "provenance",
                        DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType, false), true),
                DataTypes.createStructField(prefix + "error", DataTypes.StringType, true));
        for (StructField f : fields) {
            out = out.add(f);
        }
        if (metrics) {
            out = out.add(DataTypes.createStructField(prefix + "metrics",
                    DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), true));
        }
        return out;
    }
}
