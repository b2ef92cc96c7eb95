package dev.gradcam.nd4j.onnx;

import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.Node;
import java.util.Map;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * ONNX activations: Relu, Clip, LeakyRelu, Sigmoid, Tanh, HardSigmoid, HardSwish, Softmax.
 *
 * <p>Clip(0, 6) becomes SameDiff's relu6 and Clip(0, +inf) its relu, so that guided backpropagation treats them as
 * ReLU units (as the PyTorch fixtures do for ReLU6); other bounds become clipByValue.
 */
final class ActivationOps {

    private ActivationOps() {
    }

    static void register(Map<String, OpTranslator> t) {
        t.put("Relu", (n, c) -> c.define(n.output(0), c.sd().nn.relu(c.in(n, 0), 0)));
        t.put("Clip", ActivationOps::clip);
        t.put("LeakyRelu", (n, c) -> c.define(n.output(0), c.sd().nn.leakyRelu(c.in(n, 0),
                n.attrFloat("alpha", 0.01f))));
        t.put("Sigmoid", (n, c) -> c.define(n.output(0), c.sd().nn.sigmoid(c.in(n, 0))));
        t.put("Tanh", (n, c) -> c.define(n.output(0), c.sd().math.tanh(c.in(n, 0))));
        t.put("HardSigmoid", (n, c) -> c.define(n.output(0), hardSigmoid(c, c.in(n, 0),
                n.attrFloat("alpha", 0.2f), n.attrFloat("beta", 0.5f))));
        t.put("HardSwish", (n, c) -> {
            SDVariable x = c.in(n, 0);
            c.define(n.output(0), x.mul(hardSigmoid(c, x, 1f / 6, 0.5f)));
        });
        t.put("Softmax", ActivationOps::softmax);
    }

    private static SDVariable hardSigmoid(TranslationContext c, SDVariable x, float alpha, float beta) {
        return c.sd().math.clipByValue(x.mul((double) alpha).add((double) beta), 0, 1);
    }

    private static void clip(Node n, TranslationContext c) {
        double lo = Double.NEGATIVE_INFINITY;
        double hi = Double.POSITIVE_INFINITY;
        if (n.hasAttribute("min") || n.hasAttribute("max")) { // opset < 11
            lo = n.attrFloat("min", -Float.MAX_VALUE);
            hi = n.attrFloat("max", Float.MAX_VALUE);
        } else {
            ConstValue min = n.hasInput(1) ? c.requireConstant(n, 1, "min") : null;
            ConstValue max = n.hasInput(2) ? c.requireConstant(n, 2, "max") : null;
            lo = min == null ? lo : min.doubleAt(0);
            hi = max == null ? hi : max.doubleAt(0);
        }
        SDVariable x = c.in(n, 0);
        SDVariable y;
        if (lo == 0 && hi == 6) {
            y = c.sd().nn.relu6(x, 0);
        } else if (lo == 0 && hi >= Float.MAX_VALUE) {
            y = c.sd().nn.relu(x, 0);
        } else {
            y = c.sd().math.clipByValue(x, Math.max(lo, -Float.MAX_VALUE), Math.min(hi, Float.MAX_VALUE));
        }
        c.define(n.output(0), y);
    }

    private static void softmax(Node n, TranslationContext c) {
        int rank = c.rank(n.input(0));
        int axis = (int) n.attrInt("axis", c.graph().opset() >= 13 ? -1 : 1);
        if (axis < 0) {
            axis += rank;
        }
        if (c.graph().opset() < 13 && axis != rank - 1) {
            throw c.unsupported(n, "opset < 13 softmax over flattened axes from " + axis + " is not translated");
        }
        c.define(n.output(0), c.sd().nn.softmax(c.in(n, 0), axis));
    }
}
