package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.ConstValue;
import java.util.Map;

/**
 * Backward rules of pointwise activations: the ReLU family and the smooth ones. Guided backpropagation, deconvnet
 * and the LRP modes override only the ReLU-family units (Relu, LeakyRelu, ReLU-like Clip; see {@link GradientModes});
 * every other activation here (Softsign, Celu, Mish, ThresholdedRelu, ...) keeps its standard gradient in all modes.
 */
final class ActivationRules {

    private ActivationRules() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("Relu", ActivationRules::relu);
        rules.put("LeakyRelu", ActivationRules::leakyRelu);
        rules.put("PRelu", ActivationRules::prelu);
        rules.put("Elu", ActivationRules::elu);
        rules.put("Selu", ActivationRules::selu);
        rules.put("Sigmoid", ActivationRules::sigmoid);
        rules.put("Tanh", ActivationRules::tanh);
        rules.put("HardSigmoid", ActivationRules::hardSigmoid);
        rules.put("HardSwish", ActivationRules::hardSwish);
        rules.put("Clip", ActivationRules::clip);
        rules.put("Softplus", ActivationRules::softplus);
        rules.put("Gelu", ActivationRules::gelu);
        rules.put("Softsign", ActivationRules::softsign);
        rules.put("Celu", ActivationRules::celu);
        rules.put("Mish", ActivationRules::mish);
        rules.put("ThresholdedRelu", ActivationRules::thresholdedRelu);
    }

    /**
     * The mask {@code x > 0} of a ReLU-family unit's input, read off its output where that is equivalent (Relu, and
     * LeakyRelu with a positive slope): the backward pass then needs no pre-activation value, so ONNX Runtime can
     * still fuse the activation into the convolution before it.
     */
    static String positive(BackwardContext c) {
        String op = c.node().opType();
        boolean outputSign = op.equals("Relu") || op.equals("LeakyRelu") && c.node().attrFloat("alpha", 0.01f) > 0;
        return c.emit().greater(outputSign ? c.output(0) : c.input(0), c.scalar(0));
    }

    static void relu(BackwardContext c) {
        Emitter e = c.emit();
        // Tanh(2^126 y) keeps ONNX Runtime's CPU provider in its blocked layout (see BlockedLayout); elsewhere
        // g * float(y > 0): Greater + Cast + Mul measured faster than Where(x > 0, g, 0) and g * Sign(y).
        String mask = BlockedLayout.reluMask(c, c.output(0));
        if (mask == null) {
            mask = e.cast(positive(c), c.elemType());
        }
        c.addGradient(0, e.mul(c.gradient(), mask));
    }

    /** The standard LeakyRelu gradient; guided mode masks it further. */
    static String leakyReluGradient(BackwardContext c) {
        float alpha = c.node().attrFloat("alpha", 0.01f);
        String slope = c.emit().where(positive(c), c.scalar(1), c.scalar(alpha));
        return c.emit().mul(c.gradient(), slope);
    }

    static void leakyRelu(BackwardContext c) {
        c.addGradient(0, leakyReluGradient(c));
    }

    static void prelu(BackwardContext c) {
        Emitter e = c.emit();
        String pos = positive(c);
        if (c.needsGradient(0)) {
            c.addGradient(0, e.mul(c.gradient(), e.where(pos, c.scalar(1), c.input(1))));
        }
        if (c.needsGradient(1)) {
            String part = e.mul(c.gradient(), e.where(pos, c.scalar(0), c.input(0)));
            c.addGradient(1, c.unbroadcast(part, c.dims(c.output(0)), c.dims(c.input(1))));
        }
    }

    static void elu(BackwardContext c) {
        scaledElu(c, c.node().attrFloat("alpha", 1f), 1f);
    }

    static void selu(BackwardContext c) {
        scaledElu(c, c.node().attrFloat("alpha", 1.67326319217681884765625f),
                c.node().attrFloat("gamma", 1.05070102214813232421875f));
    }

    /**
     * {@code y = gamma * x} for x &gt; 0, {@code gamma * alpha * (exp(x) - 1)} below (Elu with gamma 1, Selu): the
     * slope is gamma above 0 and {@code y + gamma * alpha} below.
     */
    private static void scaledElu(BackwardContext c, float alpha, float gamma) {
        Emitter e = c.emit();
        String neg = e.add(c.output(0), c.scalar((double) gamma * alpha));
        c.addGradient(0, e.mul(c.gradient(), e.where(positive(c), c.scalar(gamma), neg)));
    }

    static void sigmoid(BackwardContext c) {
        Emitter e = c.emit();
        String y = c.output(0);
        c.addGradient(0, e.mul(c.gradient(), e.mul(y, e.sub(c.scalar(1), y))));
    }

    static void tanh(BackwardContext c) {
        Emitter e = c.emit();
        String y = c.output(0);
        c.addGradient(0, e.mul(c.gradient(), e.sub(c.scalar(1), e.mul(y, y))));
    }

    static void hardSigmoid(BackwardContext c) {
        Emitter e = c.emit();
        float alpha = c.node().attrFloat("alpha", 0.2f);
        float beta = c.node().attrFloat("beta", 0.5f);
        String t = e.add(e.mul(c.input(0), c.scalar(alpha)), c.scalar(beta));
        String inside = e.and(e.greater(t, c.scalar(0)), e.less(t, c.scalar(1)));
        c.addGradient(0, e.where(inside, e.mul(c.gradient(), c.scalar(alpha)), c.scalar(0)));
    }

    static void hardSwish(BackwardContext c) {
        Emitter e = c.emit();
        String x = c.input(0);
        String g = c.gradient();
        // y = x * clip(x/6 + 1/2, 0, 1): slope 0 below -3, 1 above 3, x/3 + 1/2 between (PyTorch's convention).
        String mid = e.mul(g, e.add(e.mul(x, c.scalar(1.0 / 3)), c.scalar(0.5)));
        String upper = e.where(e.greater(x, c.scalar(3)), g, mid);
        c.addGradient(0, e.where(e.less(x, c.scalar(-3)), c.scalar(0), upper));
    }

    /**
     * The mask {@code min < x < max} of a Clip node (strict, as PyTorch's hardtanh and ReLU6 backward), or null
     * when neither bound is given.
     */
    static String clipInside(BackwardContext c) {
        Emitter e = c.emit();
        String lo = null;
        String hi = null;
        if (c.node().hasAttribute("min") || c.node().hasAttribute("max")) {
            // Opset 6-10: bounds are attributes.
            if (c.node().hasAttribute("min")) {
                lo = c.scalar(c.node().attrFloat("min", 0));
            }
            if (c.node().hasAttribute("max")) {
                hi = c.scalar(c.node().attrFloat("max", 0));
            }
        } else {
            lo = c.node().hasInput(1) ? c.input(1) : null;
            hi = c.node().hasInput(2) ? c.input(2) : null;
        }
        // min < x < max holds exactly where min < y < max: reading the output keeps Conv+Clip fusable.
        String x = c.output(0);
        String mask = null;
        if (lo != null) {
            mask = e.greater(x, lo);
        }
        if (hi != null) {
            String below = e.less(x, hi);
            mask = mask == null ? below : e.and(mask, below);
        }
        return mask;
    }

    /** True if a Clip node acts as a ReLU variant: its lower bound is the constant 0 (ReLU6 and kin). */
    static boolean clipIsReluLike(BackwardContext c) {
        if (c.node().hasAttribute("min")) {
            return c.node().attrFloat("min", -1) == 0f;
        }
        ConstValue lo = c.constant(1);
        return lo != null && lo.size() == 1 && lo.doubleAt(0) == 0.0;
    }

    static void clip(BackwardContext c) {
        String mask = clipInside(c);
        c.addGradient(0, mask == null ? c.gradient() : c.emit().where(mask, c.gradient(), c.scalar(0)));
    }

    /** Gelu (opset 20): exact, y = x * Phi(x), or its tanh approximation. */
    static void gelu(BackwardContext c) {
        Emitter e = c.emit();
        String x = c.input(0);
        String local;
        if (c.node().attrString("approximate", "none").equals("tanh")) {
            // y = x/2 (1 + tanh(u)), u = sqrt(2/pi) (x + 0.044715 x^3)
            double k = Math.sqrt(2 / Math.PI);
            String x2 = e.mul(x, x);
            String u = e.mul(e.mul(x, e.add(c.scalar(1), e.mul(x2, c.scalar(0.044715)))), c.scalar(k));
            String t = e.op("Tanh", u);
            String du = e.mul(e.add(c.scalar(1), e.mul(x2, c.scalar(3 * 0.044715))), c.scalar(k));
            String first = e.mul(e.add(c.scalar(1), t), c.scalar(0.5));
            String second = e.mul(e.mul(e.mul(x, c.scalar(0.5)), e.sub(c.scalar(1), e.mul(t, t))), du);
            local = e.add(first, second);
        } else {
            // dy/dx = Phi(x) + x phi(x)
            String cdf = e.mul(e.add(c.scalar(1), e.op("Erf", e.mul(x, c.scalar(Math.sqrt(0.5))))), c.scalar(0.5));
            String pdf = e.mul(e.op("Exp", e.mul(e.mul(x, x), c.scalar(-0.5))), c.scalar(1 / Math.sqrt(2 * Math.PI)));
            local = e.add(cdf, e.mul(x, pdf));
        }
        c.addGradient(0, e.mul(c.gradient(), local));
    }

    static void softplus(BackwardContext c) {
        c.addGradient(0, c.emit().mul(c.gradient(), c.emit().op("Sigmoid", c.input(0))));
    }

    /**
     * Softsign, y = x / (1 + |x|): dy/dx = 1 / (1 + |x|)^2. Standard gradient in every mode (not a ReLU-family
     * unit, so guided/deconvnet/LRP modes do not override it).
     */
    static void softsign(BackwardContext c) {
        Emitter e = c.emit();
        String d = e.add(c.scalar(1), e.op("Abs", c.input(0)));
        c.addGradient(0, e.div(c.gradient(), e.mul(d, d)));
    }

    /**
     * Celu (opset 12), y = max(0, x) + min(0, alpha (exp(x / alpha) - 1)): slope 1 for x &gt; 0 and
     * exp(x / alpha) = y / alpha + 1 below. Standard gradient in every mode (not overridden by guided/deconvnet/LRP).
     */
    static void celu(BackwardContext c) {
        Emitter e = c.emit();
        float alpha = c.node().attrFloat("alpha", 1f);
        String neg = e.add(e.mul(c.output(0), c.scalar(1.0 / alpha)), c.scalar(1));
        c.addGradient(0, e.mul(c.gradient(), e.where(e.greater(c.input(0), c.scalar(0)), c.scalar(1), neg)));
    }

    /**
     * Mish (opset 18), y = x tanh(softplus(x)): dy/dx = t + x sigmoid(x) (1 - t^2) with t = tanh(softplus(x)).
     * Standard gradient in every mode (not overridden by guided/deconvnet/LRP).
     */
    static void mish(BackwardContext c) {
        Emitter e = c.emit();
        String x = c.input(0);
        String t = e.op("Tanh", e.op("Softplus", x));
        String local = e.add(t, e.mul(e.mul(x, e.op("Sigmoid", x)), e.sub(c.scalar(1), e.mul(t, t))));
        c.addGradient(0, e.mul(c.gradient(), local));
    }

    /**
     * ThresholdedRelu, y = x for x &gt; alpha, else 0: the gradient passes where x &gt; alpha. Although ReLU-like,
     * it keeps this standard gradient in guided/deconvnet/LRP modes (only Relu, LeakyRelu and ReLU-like Clip are
     * overridden).
     */
    static void thresholdedRelu(BackwardContext c) {
        Emitter e = c.emit();
        float alpha = c.node().attrFloat("alpha", 1f);
        c.addGradient(0, e.where(e.greater(c.input(0), c.scalar(alpha)), c.gradient(), c.scalar(0)));
    }
}
