package dev.gradcam.nd4j.internal;

import dev.gradcam.api.tensor.Shape;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Learns the shapes of a graph's activations by one forward pass on zeros.
 *
 * <p>Why: SameDiff knows the shapes of op outputs only after running them, while a model must describe its layers
 * (for {@code auto} layer choice and for checks) before the first explanation. Axis 0 is reported as
 * {@link Shape#DYNAMIC} when it equals the probe's batch size, as it does for every per-image activation.
 */
public final class ShapeProbe {

    private ShapeProbe() {
    }

    /**
     * Runs {@code sd} once on zeros of {@code inputShape} and returns the shapes of {@code vars}.
     *
     * @param inputShape a static shape; axis 0 is the batch
     */
    public static Map<String, Shape> probe(SameDiff sd, String input, DataType inputType, long[] inputShape,
                                           Collection<String> vars) {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(input, Nd4j.zeros(inputType, inputShape));
        Map<String, INDArray> values = sd.output(feed, List.copyOf(vars));
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (String v : vars) {
            INDArray a = values.get(v);
            if (a == null) {
                continue;
            }
            long[] dims = a.shape();
            if (dims.length > 0 && dims[0] == inputShape[0]) {
                dims[0] = Shape.DYNAMIC;
            }
            shapes.put(v, Shape.of(dims));
        }
        return shapes;
    }
}
