package dev.gradcam.nd4j.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The part of a model after a layer: a private copy of the graph in which the layer's activation is a placeholder,
 * so ablation methods feed replaced activations (any batch size) and run only the head.
 *
 * <p>SameDiff accepts values only for placeholders, so the copy turns the activation into one and detaches it from
 * the op that produced it; the backbone is then never executed because nothing asks for it. Not thread-safe: the
 * owning model serialises calls.
 */
public final class HeadGraph {

    private final SameDiff sd;
    private final String layer;

    private HeadGraph(SameDiff sd, String layer) {
        this.sd = sd;
        this.layer = layer;
    }

    /**
     * Copies {@code template} and cuts it at {@code layer}.
     *
     * @param layerShape the layer's shape with -1 for the batch axis
     * @param output     the output the head must compute
     * @param input      the model's input placeholder
     * @return empty with a reason when the graph cannot be cut there: the layer shares its op with other outputs,
     *         or the output also reads the input by a path around the layer (a residual connection across it)
     */
    public static Cut cut(SameDiff template, String layer, long[] layerShape, String output, String input) {
        SameDiff sd = template.dup();
        Variable v = sd.getVariables().get(layer);
        String producer = v.getOutputOfOp();
        if (producer == null) {
            return new Cut(Optional.empty(), "'" + layer + "' is not computed by an op");
        }
        SameDiffOp op = sd.getOps().get(producer);
        if (op.getOutputsOfOp().size() != 1) {
            return new Cut(Optional.empty(), "'" + layer + "' is one of several outputs of op '" + producer
                    + "'; SameDiff cannot cut the graph there");
        }
        op.setOutputsOfOp(new ArrayList<>());
        v.setOutputOfOp(null);
        SDVariable var = v.getVariable();
        var.setVariableType(VariableType.PLACEHOLDER);
        var.setShape(layerShape);
        if (new GraphTopology(sd).placeholdersOf(output).contains(input)) {
            return new Cut(Optional.empty(), "output '" + output + "' also depends on the input by a path that "
                    + "bypasses '" + layer + "' (a skip connection around it); choose a layer every path passes "
                    + "through, such as the output of a whole block");
        }
        return new Cut(Optional.of(new HeadGraph(sd, layer)), null);
    }

    /** Runs the head on {@code activations} and returns {@code output}. */
    public INDArray run(INDArray activations, String output) {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(layer, activations);
        return sd.output(feed, List.of(output)).get(output);
    }

    /**
     * The result of cutting a graph.
     *
     * @param head   the head, or empty
     * @param reason why there is none, or null
     */
    public record Cut(Optional<HeadGraph> head, String reason) {
    }
}
