package dev.gradcam.nd4j.internal;

import java.util.ArrayList;
import java.util.List;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.autodiff.samediff.internal.Variable;

/**
 * Redirects op inputs in a SameDiff graph, keeping both sides of SameDiff's bookkeeping consistent: the op's input
 * list and each variable's list of reading ops. For private graph copies only. Stateless.
 */
final class GraphRewiring {

    private GraphRewiring() {
    }

    /** Makes input {@code index} of {@code op} read {@code replacement}. */
    static void replaceInput(SameDiff sd, SameDiffOp op, int index, String replacement) {
        List<String> inputs = new ArrayList<>(op.getInputsToOp());
        String old = inputs.set(index, replacement);
        op.setInputsToOp(inputs);
        if (!inputs.contains(old)) {
            Variable o = sd.getVariables().get(old);
            List<String> readers = new ArrayList<>(o.getInputsForOp());
            readers.remove(op.getName());
            o.setInputsForOp(readers);
        }
        addReader(sd, replacement, op.getName());
    }

    /** Makes every input of {@code op} that reads {@code old} read {@code replacement}. */
    static void replaceInput(SameDiff sd, SameDiffOp op, String old, String replacement) {
        for (int i = 0; i < op.getInputsToOp().size(); i++) {
            if (op.getInputsToOp().get(i).equals(old)) {
                replaceInput(sd, op, i, replacement);
            }
        }
    }

    private static void addReader(SameDiff sd, String var, String opName) {
        Variable r = sd.getVariables().get(var);
        List<String> readers = r.getInputsForOp() == null ? new ArrayList<>() : new ArrayList<>(r.getInputsForOp());
        if (!readers.contains(opName)) {
            readers.add(opName);
        }
        r.setInputsForOp(readers);
    }
}
