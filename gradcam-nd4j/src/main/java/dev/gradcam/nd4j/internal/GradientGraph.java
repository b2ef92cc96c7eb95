package dev.gradcam.nd4j.internal;

import dev.gradcam.api.spi.GradientMode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.api.OutAndGrad;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A private copy of a model's graph, extended with {@code loss = sum(output * seed)} and SameDiff's gradient function
 * for that loss, rewired for guided or deconvnet modes.
 *
 * <p>Since d loss / d output = seed, one graph serves every target: class logits, probabilities, regions and user
 * functions differ only in the seed fed in (a placeholder). The top-class target, the default, has a graph of its own
 * whose seed is computed inside it, {@code oneHot(argmax(output, 1))}, so that it needs no forward pass of its own
 * before the forward-backward one (that pass used to double the cost of a default explanation). Built once per
 * (output, mode, seed kind) and cached by the model. Not thread-safe: SameDiff is not, so the owning model serialises
 * calls.
 */
public final class GradientGraph {

    private static final Logger LOG = LoggerFactory.getLogger(GradientGraph.class);

    private final SameDiff sd;
    private final String input;
    private final String shiftedInput;
    private final String seed;
    private final boolean seedInGraph;
    private final Map<String, String> gradientNames = new HashMap<>();

    private GradientGraph(SameDiff sd, String input, String shiftedInput, String seed, boolean seedInGraph) {
        this.sd = sd;
        this.input = input;
        this.shiftedInput = shiftedInput;
        this.seed = seed;
        this.seedInGraph = seedInGraph;
    }

    /**
     * Copies {@code template} and adds the seeded loss and the gradient function.
     *
     * @param template   the model's graph (not changed)
     * @param input      the input placeholder
     * @param output     the explained output, a floating-point variable
     * @param outputRank its rank, for the seed placeholder
     * @param mode       standard, guided or deconvnet
     * @param topClasses 0 for a seed fed with each run; otherwise the number of classes K of an {@code [N, K]}
     *                   output, and the seed is the one-hot top class computed in the graph
     */
    public static GradientGraph create(SameDiff template, String input, String output, int outputRank,
                                       GradientMode mode, int topClasses) {
        long t0 = System.nanoTime();
        // dup() round-trips through FlatBuffers: a deep copy without the template's own gradient function or loss.
        SameDiff sd = template.dup();
        SDVariable out = sd.getVariable(output);
        String seedName = unique(sd, "gradcam_seed");
        SDVariable seed;
        if (topClasses > 0) {
            // ArgMax and OneHot differentiate to zeros: the loss's gradient is still exactly the seed.
            SDVariable top = sd.argmax(unique(sd, "gradcam_top_class"), out, false, 1);
            seed = sd.oneHot(seedName, top, topClasses, 1, 1.0, 0.0, out.dataType());
        } else {
            long[] seedShape = new long[outputRank];
            java.util.Arrays.fill(seedShape, -1);
            seed = sd.placeHolder(seedName, out.dataType(), seedShape);
        }
        SDVariable loss = out.mul(unique(sd, "gradcam_product"), seed).sum(unique(sd, "gradcam_loss"));
        sd.setLossVariables(loss.name());
        String differentiableInput = makeInputDifferentiable(sd, input);
        StdoutSilencer.run(sd::createGradFunction);
        int rewired = 0;
        if (!mode.sameFamily(GradientMode.STANDARD)) {
            rewired = ReluGradientRewriter.rewrite(sd.getFunction("grad"), mode);
        }
        LOG.debug("gradient graph for output '{}' ({} mode, {} ReLU units rewired) built in {} ms", output, mode,
                rewired, (System.nanoTime() - t0) / 1_000_000);
        return new GradientGraph(sd, input, differentiableInput, seedName, topClasses > 0);
    }

    /** The seed's variable: a placeholder, or for a top-class graph the computed one-hot (ask for it as an output). */
    public String seedName() {
        return seed;
    }

    /**
     * Runs forward and backward.
     *
     * @param x         the input batch
     * @param seedValue d loss / d output, or null for a graph that computes its seed
     * @param outputs   variables whose values are wanted
     * @param gradients variables (activations, or the input) whose gradients are wanted; a variable the loss does not
     *                  depend on gets zeros
     */
    public Result run(INDArray x, INDArray seedValue, Collection<String> outputs, Collection<String> gradients) {
        Map<String, INDArray> feed = new HashMap<>();
        feed.put(input, x);
        if (seedInGraph != (seedValue == null)) {
            throw new IllegalStateException(seedInGraph ? "this graph computes its seed" : "this graph needs a seed");
        }
        if (!seedInGraph) {
            feed.put(seed, seedValue);
        }
        List<String> gradVars = new ArrayList<>();
        List<String> absent = new ArrayList<>();
        for (String g : gradients) {
            if (gradientName(g.equals(input) ? shiftedInput : g) != null) {
                gradVars.add(g);
            } else {
                absent.add(g);
            }
        }
        List<String> wantedOutputs = new ArrayList<>(outputs);
        for (String a : absent) {
            if (!wantedOutputs.contains(a) && !a.equals(input)) {
                wantedOutputs.add(a); // for the shape of its zero gradient
            }
        }
        List<String> asked = gradVars.stream().map(g -> g.equals(input) ? shiftedInput : g).toList();
        OutAndGrad r = sd.calculateGradientsAndOutputs(feed, wantedOutputs, asked);
        Map<String, INDArray> grads = new LinkedHashMap<>(r.getGradients());
        if (grads.containsKey(shiftedInput)) {
            grads.put(input, grads.remove(shiftedInput));
        }
        for (String a : absent) {
            INDArray like = a.equals(input) ? x : r.getOutputs().get(a);
            grads.put(a, Nd4j.zerosLike(like));
        }
        return new Result(r.getOutputs(), grads);
    }

    /** The name of {@code var}'s gradient in the gradient function, or null if the loss does not depend on it. */
    private String gradientName(String var) {
        return gradientNames.computeIfAbsent(var, v -> {
            SDVariable g = sd.getVariable(v).getGradient();
            return g == null ? null : g.name();
        });
    }

    /**
     * Makes every activation differentiable, and the graph cheap to differentiate.
     *
     * <p>SameDiff differentiates only what lies between its trainable variables and the loss: it refuses a graph whose
     * weights are all constants ("no trainable SDVariables"), and computes no gradient for values no variable flows
     * into (the input, or the ops right after it). So the input's readers are rewired to read {@code input + offset}
     * with a trainable scalar {@code offset = 0}, and the weights become constants, since no weight gradient is
     * wanted. The gradient of {@code input + offset} is the input gradient.
     *
     * @return the name of {@code input + offset}
     */
    private static String makeInputDifferentiable(SameDiff sd, String input) {
        List<SDVariable> weights = new ArrayList<>();
        for (SDVariable v : sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                weights.add(v);
            }
        }
        if (!weights.isEmpty()) {
            sd.convertToConstants(weights);
        }
        SDVariable in = sd.getVariable(input);
        List<String> readers = new ArrayList<>(sd.getVariables().get(input).getInputsForOp());
        SDVariable offset = sd.var(unique(sd, "gradcam_input_offset"), Nd4j.scalar(in.dataType(), 0));
        SDVariable shifted = in.add(unique(sd, "gradcam_input"), offset);
        for (String opName : readers) {
            GraphRewiring.replaceInput(sd, sd.getOps().get(opName), input, shifted.name());
        }
        return shifted.name();
    }

    private static String unique(SameDiff sd, String base) {
        String name = base;
        for (int i = 1; sd.hasVariable(name); i++) {
            name = base + "_" + i;
        }
        return name;
    }

    /**
     * What one pass computed.
     *
     * @param outputs   requested values by variable name
     * @param gradients gradients by variable name
     */
    public record Result(Map<String, INDArray> outputs, Map<String, INDArray> gradients) {
    }
}
