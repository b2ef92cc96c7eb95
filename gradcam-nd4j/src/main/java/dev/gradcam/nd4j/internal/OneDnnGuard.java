package dev.gradcam.nd4j.internal;

import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv1D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv3D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DeConv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DepthwiseConv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps ND4J's oneDNN helpers away from what they get wrong.
 *
 * <p>The default natives are ND4J's oneDNN build, whose convolutions are much faster than the plain ones, but in
 * 1.0.0-M2.1 every dilated convolution fails in it ("could not create a descriptor for a dilated convolution forward
 * propagation primitive"), whatever the padding, stride or groups. ND4J can only switch its helpers off for the whole
 * process, so a graph with a dilated convolution switches them off before it first runs: from then on every model in
 * the JVM uses ND4J's own kernels (correct, and as fast as the plain natives; logged once). Thread-safe.
 */
public final class OneDnnGuard {

    private static final Logger LOG = LoggerFactory.getLogger(OneDnnGuard.class);

    private OneDnnGuard() {
    }

    /** Switches ND4J's platform helpers off when {@code graph} has an op they cannot run. */
    public static void prepareFor(SameDiff graph) {
        String op = firstDilatedConvolution(graph);
        if (op == null) {
            return;
        }
        synchronized (OneDnnGuard.class) {
            if (Nd4j.getEnvironment().helpersAllowed()) {
                Nd4j.getEnvironment().allowHelpers(false);
                LOG.info("ND4J's oneDNN helpers are off for this JVM from now on: '{}' is a dilated convolution, "
                        + "which ND4J 1.0.0-M2.1's oneDNN build cannot run; ND4J's own kernels are used instead", op);
            }
        }
    }

    /** The output of the graph's first convolution with a dilation above 1 (a name users know), or null. */
    static String firstDilatedConvolution(SameDiff graph) {
        for (DifferentialFunction f : graph.ops()) {
            if (dilated(f)) {
                String[] outputs = f.outputVariablesNames();
                return outputs.length > 0 ? outputs[0] : f.getOwnName();
            }
        }
        return null;
    }

    private static boolean dilated(DifferentialFunction f) {
        if (f instanceof Conv2D c) {
            return dilated(c.getConfig());
        }
        if (f instanceof DepthwiseConv2D c) {
            return dilated(c.getConfig());
        }
        if (f instanceof DeConv2D c) {
            return c.getConfig() != null && (c.getConfig().getDH() > 1 || c.getConfig().getDW() > 1);
        }
        if (f instanceof Conv1D c) {
            return c.getConfig() != null && c.getConfig().getD() > 1;
        }
        if (f instanceof Conv3D c) {
            return c.getConfig() != null
                    && (c.getConfig().getDD() > 1 || c.getConfig().getDH() > 1 || c.getConfig().getDW() > 1);
        }
        return false;
    }

    private static boolean dilated(Conv2DConfig c) {
        return c != null && (c.getDH() > 1 || c.getDW() > 1);
    }
}
