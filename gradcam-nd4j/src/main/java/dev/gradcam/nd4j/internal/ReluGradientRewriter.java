package dev.gradcam.nd4j.internal;

import dev.gradcam.api.spi.GradientMode;
import java.util.ArrayList;
import java.util.Set;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.LeakyReLUBp;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.Relu6Derivative;
import org.nd4j.linalg.api.ops.impl.transforms.gradient.ThresholdReluBp;

/**
 * Turns SameDiff's exact gradient function into guided backpropagation or deconvnet by rewiring the backward ops of
 * ReLU-family units: ReLU, ReLU6 and LeakyReLU.
 *
 * <p>Why rewire the gradient function rather than swap the forward ops: SameDiff clones every op through its
 * FlatBuffers form when it builds the gradient function, so a forward op subclass with its own {@code doDiff} is
 * lost. The backward ops of these units all take {@code (x, gradOut)}; so
 * <ul>
 *   <li>guided: {@code gradOut} becomes {@code relu(gradOut)}, giving {@code gradOut * local(x) * (gradOut > 0)};</li>
 *   <li>deconvnet: as guided, and {@code x} becomes ones, so the unit passes back {@code relu(gradOut)} whatever its
 *       input was.</li>
 * </ul>
 * This matches the definitions used for the PyTorch reference fixtures (ReLU6 exported as Clip(0, 6) is translated
 * to SameDiff's relu6). Stateless.
 */
public final class ReluGradientRewriter {

    private static final Set<Class<?>> RELU_BACKWARD = Set.of(ThresholdReluBp.class, Relu6Derivative.class,
            LeakyReLUBp.class);

    private ReluGradientRewriter() {
    }

    /**
     * Rewires {@code gradFn} (a SameDiff gradient function, not yet executed) for {@code mode}.
     *
     * @return the number of ReLU-family units rewired
     * @throws IllegalArgumentException for a mode other than guided or deconvnet
     */
    public static int rewrite(SameDiff gradFn, GradientMode mode) {
        boolean deconv;
        if (mode.sameFamily(GradientMode.GUIDED)) {
            deconv = false;
        } else if (mode.sameFamily(GradientMode.DECONVNET)) {
            deconv = true;
        } else {
            throw new IllegalArgumentException("no ReLU rewrite for gradient mode " + mode);
        }
        int count = 0;
        for (SameDiffOp op : new ArrayList<>(gradFn.getOps().values())) {
            if (!RELU_BACKWARD.contains(op.getOp().getClass()) || op.getInputsToOp().size() != 2) {
                continue;
            }
            String gradOut = op.getInputsToOp().get(1);
            SDVariable positive = gradFn.nn.relu(op.getName() + "/gradcam_" + mode.name(), gradFn.getVariable(gradOut), 0);
            GraphRewiring.replaceInput(gradFn, op, 1, positive.name());
            if (deconv) {
                SDVariable ones = gradFn.onesLike(op.getName() + "/gradcam_ones", gradFn.getVariable(gradOut));
                GraphRewiring.replaceInput(gradFn, op, 0, ones.name());
            }
            count++;
        }
        return count;
    }
}
