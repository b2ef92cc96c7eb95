package dev.gradcam.onnx.grad;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.Node;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.model.OnnxFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * The layer-wise relevance propagation rules of {@link LrpModes}, as overrides of the Conv, Gemm and MatMul (with a
 * constant operand) backward rules: a modified gradient {@code g} flows back, relevance is {@code t * g_t}, and at
 * each linear node the rule maps {@code g_z} to {@code g_a} with the node's bias-free forward map {@code F(v, V)}
 * (the node itself, same attributes, without bias) and its adjoint {@code B(s, V)} (the standard input-gradient
 * rule of the node with {@code s} and {@code V} in place of the gradient and the weight). Every other operator keeps
 * its standard rule. Weight transforms ({@code W+}, {@code W-}, {@code W^2}, ones) are emitted as graph ops on the
 * constant weights, which ONNX Runtime folds once when it creates the session.
 *
 * <p>Nodes that are not plain linear layers of a data input keep the standard rule: Gemm or MatMul whose two operands
 * both lie on the gradient path (e.g. attention scores), MatMul whose other operand is not constant, and nodes whose
 * bias (Gemm's C) lies on the gradient path.
 *
 * <p>Checked against a textbook relevance propagation on dense matrices in double precision, and for conservation
 * layer by layer ({@code LrpRulesTest}); LRP-0 against gradient times input ({@code OnnxModelLrpTest}).
 */
final class LrpRules {

    private LrpRules() {
    }

    static Map<String, BackwardRule> overrides() {
        return Map.of("Conv", LrpRules::conv, "Gemm", LrpRules::gemm, "MatMul", LrpRules::matMul);
    }

    /** One linear node as the rules see it: data and weight inputs, {@code F} and {@code B}. */
    private record Linear(int data, int weight, BinaryOperator<String> f, BinaryOperator<String> b) {
    }

    private static void conv(BackwardContext c) {
        if (c.needsGradient(1) || c.needsGradient(2)) {
            throw c.unsupported("LRP rules need constant weights and biases; this convolution's "
                    + (c.needsGradient(1) ? "weights" : "bias") + " depend on the model input");
        }
        if (!c.needsGradient(0)) {
            return;
        }
        relevance(c, new Linear(0, 1, (v, w) -> LinearRules.convForward(c, v, w),
                (s, w) -> LinearRules.convInputGradient(c, s, w)));
    }

    private static void gemm(BackwardContext c) {
        if (c.needsGradient(0) == c.needsGradient(1) || c.needsGradient(2)) {
            LinearRules.gemm(c);
            return;
        }
        int d = c.needsGradient(0) ? 0 : 1;
        relevance(c, new Linear(d, 1 - d, (v, w) -> LinearRules.gemmForward(c, d, v, w),
                (s, w) -> LinearRules.gemmInputGradient(c, s, d, w)));
    }

    private static void matMul(BackwardContext c) {
        int d = c.needsGradient(0) ? 0 : 1;
        if (c.needsGradient(0) == c.needsGradient(1) || !c.shapes().isConstant(c.input(1 - d))) {
            LinearRules.matMul(c);
            return;
        }
        Emitter e = c.emit();
        relevance(c, new Linear(d, 1 - d, (v, w) -> d == 0 ? e.op("MatMul", v, w) : e.op("MatMul", w, v),
                (s, w) -> LinearRules.matMulInputGradient(c, s, d, w)));
    }

    /** Applies the rule of the mode (or its input-layer rule, where the node reads the model input). */
    private static void relevance(BackwardContext c, Linear l) {
        GradientMode rule = c.mode();
        if (c.readsModelInput(l.data()) && rule.inputLayer().isPresent()) {
            rule = rule.inputLayer().get();
        }
        Emitter e = c.emit();
        String a = c.input(l.data());
        String w = c.input(l.weight());
        String z = c.output(0);
        String rz = e.mul(z, c.gradient());
        switch (rule.name()) {
            case LrpModes.EPSILON -> {
                double eps = rule.param("epsilon", LrpModes.DEFAULT_EPSILON);
                // z + epsilon * sgn(z), sgn(0) = 1.
                String den = eps == 0 ? z : e.add(z, e.where(e.less(z, c.scalar(0)), c.scalar(-eps), c.scalar(eps)));
                c.addGradient(l.data(), l.b().apply(div0(c, rz, den), w));
            }
            case LrpModes.Z_PLUS -> c.addGradient(l.data(), alphaBeta(c, l, 1, 0, a, w, rz));
            case LrpModes.ALPHA_BETA -> c.addGradient(l.data(), alphaBeta(c, l, rule.param("alpha", 2),
                    rule.param("beta", 1), a, w, rz));
            case LrpModes.Z_BOX -> c.addInputRelevance(l.data(), zBox(c, l, rule, a, w, rz));
            case LrpModes.FLAT -> {
                String ones = onesLike(c, w);
                c.addInputRelevance(l.data(), l.b().apply(div0(c, rz, l.f().apply(onesLike(c, a), ones)), ones));
            }
            case LrpModes.W_SQUARE -> {
                String w2 = e.mul(w, w);
                c.addInputRelevance(l.data(), l.b().apply(div0(c, rz, l.f().apply(onesLike(c, a), w2)), w2));
            }
            default -> throw c.unsupported("no LRP rule named '" + rule.name() + "'");
        }
    }

    /**
     * The sign-aware alpha-beta rule: {@code zp = F(a+, W+) + F(a-, W-)}, {@code zn = F(a+, W-) + F(a-, W+)};
     * {@code g_a = B(sp, W+) - B(sn, W-)} where {@code a > 0}, {@code B(sp, W-) - B(sn, W+)} where {@code a < 0}.
     */
    private static String alphaBeta(BackwardContext c, Linear l, double alpha, double beta, String a, String w,
                                    String rz) {
        Emitter e = c.emit();
        // After a ReLU the data input has no negative part, and the terms with a- vanish.
        boolean nonNegative = isNonNegative(c, a);
        String ap = nonNegative ? a : e.op("Relu", a);
        String an = nonNegative ? null : e.sub(a, ap);
        String wp = e.op("Relu", w);
        String wn = e.sub(w, wp);
        String zp = l.f().apply(ap, wp);
        if (an != null) {
            zp = e.add(zp, l.f().apply(an, wn));
        }
        String sp = div0(c, alpha == 1 ? rz : e.mul(rz, c.scalar(alpha)), zp);
        String pos = l.b().apply(sp, wp);
        String neg = an == null ? null : l.b().apply(sp, wn);
        if (beta != 0) {
            String zn = l.f().apply(ap, wn);
            if (an != null) {
                zn = e.add(zn, l.f().apply(an, wp));
            }
            String sn = div0(c, e.mul(rz, c.scalar(beta)), zn);
            pos = e.sub(pos, l.b().apply(sn, wn));
            if (neg != null) {
                neg = e.sub(neg, l.b().apply(sn, wp));
            }
        }
        String zero = c.scalar(0);
        String elsewhere = neg == null ? zero : e.where(e.less(a, zero), neg, zero);
        return e.where(e.greater(a, zero), pos, elsewhere);
    }

    /** z^B: {@code zb = F(x, W) - F(L, W+) - F(H, W-)}, {@code R_x = x B(s, W) - L B(s, W+) - H B(s, W-)}. */
    private static String zBox(BackwardContext c, Linear l, GradientMode rule, String x, String w, String rz) {
        Emitter e = c.emit();
        long[] xd = c.dims(x);
        if (xd.length < 2) {
            throw c.unsupported(LrpModes.Z_BOX + " needs an input with a channel axis (axis 1); this one is "
                    + java.util.Arrays.toString(xd));
        }
        int channels = (int) xd[1];
        long perChannel = rule.params().keySet().stream().filter(k -> k.startsWith("low.")).count();
        if (perChannel > 0 && perChannel != channels) {
            throw new InvalidInputException(LrpModes.Z_BOX + " has bounds for " + perChannel + " channels, but the "
                    + "model input has " + channels + " (axis 1)");
        }
        double[] lo = new double[channels];
        double[] hi = new double[channels];
        for (int ch = 0; ch < channels; ch++) {
            lo[ch] = LrpModes.lowerBound(rule, ch);
            hi[ch] = LrpModes.upperBound(rule, ch);
            if (!(lo[ch] < hi[ch])) {
                throw new InvalidInputException(LrpModes.Z_BOX + " bounds need low < high, got " + lo[ch] + ", "
                        + hi[ch] + " for channel " + ch);
            }
        }
        long[] cd = new long[xd.length];
        java.util.Arrays.fill(cd, 1);
        cd[1] = channels;
        int type = c.elemType(x);
        String low = e.reals(cd, lo, type);
        String high = e.reals(cd, hi, type);
        String wp = e.op("Relu", w);
        String wn = e.sub(w, wp);
        String zb = e.sub(e.sub(l.f().apply(x, w), l.f().apply(e.expand(low, xd), wp)),
                l.f().apply(e.expand(high, xd), wn));
        String s = div0(c, rz, zb);
        return e.sub(e.sub(e.mul(x, l.b().apply(s, w)), e.mul(low, l.b().apply(s, wp))),
                e.mul(high, l.b().apply(s, wn)));
    }

    private static String onesLike(BackwardContext c, String x) {
        return c.emit().filled(c.dims(x), 1, c.elemType(x));
    }

    /** {@code n / d} where {@code d != 0}, else 0. */
    static String div0(BackwardContext c, String n, String d) {
        Emitter e = c.emit();
        String zero = c.scalar(0);
        String q = e.div(n, d);
        if (e.opset() >= 11) {
            return e.where(e.op("Equal", d, zero), zero, q);
        }
        // Equal on floating types arrived at opset 11.
        return e.where(e.op("Or", e.less(d, zero), e.greater(d, zero)), q, zero);
    }

    /** True if the value is the output of a ReLU (so it has no negative entries). */
    private static boolean isNonNegative(BackwardContext c, String value) {
        Node p = c.shapes().graph().producer(value);
        return p != null && OnnxFormat.isDefaultDomain(p.domain()) && p.opType().equals("Relu");
    }

    /**
     * Rejects parameters the rules cannot use: a negative epsilon, alpha or beta below 0 or not differing by 1.
     *
     * @throws InvalidInputException naming the parameter
     */
    static void checkParameters(GradientMode rule) {
        switch (rule.name()) {
            case LrpModes.EPSILON -> {
                double eps = rule.param("epsilon", LrpModes.DEFAULT_EPSILON);
                if (eps < 0) {
                    throw new InvalidInputException("LRP epsilon must be >= 0, got " + eps);
                }
            }
            case LrpModes.ALPHA_BETA -> {
                double alpha = rule.param("alpha", 2);
                double beta = rule.param("beta", 1);
                if (alpha < 0 || beta < 0 || Math.abs(alpha - beta - 1) > 1e-9) {
                    throw new InvalidInputException("LRP alpha-beta needs alpha >= 0, beta >= 0 and alpha - beta = 1,"
                            + " got alpha " + alpha + ", beta " + beta);
                }
            }
            default -> {
                // z+, flat and w-square take no parameters; z-box bounds are checked against the input's channels.
            }
        }
    }

    /**
     * Checks that an input-layer rule has a layer to apply to: a Conv, Gemm or MatMul (with a constant operand)
     * reading the model input itself.
     *
     * @throws InvalidInputException naming what the model input flows into first
     */
    static void checkApplicable(Shapes shapes, GradientMode mode, String input) {
        if (mode.inputLayer().isEmpty()) {
            return;
        }
        Graph g = shapes.graph();
        List<String> first = new ArrayList<>();
        for (Node n : g.consumers(input)) {
            if (!OnnxFormat.isDefaultDomain(n.domain())) {
                first.add(n.opType() + " ('" + n.label() + "')");
                continue;
            }
            boolean linear = switch (n.opType()) {
                case "Conv" -> n.input(0).equals(input);
                case "Gemm" -> n.input(0).equals(input) || n.input(1).equals(input);
                case "MatMul" -> n.input(0).equals(input) && shapes.isConstant(n.input(1))
                        || n.input(1).equals(input) && shapes.isConstant(n.input(0));
                default -> false;
            };
            if (linear) {
                return;
            }
            first.add(n.opType() + " ('" + n.label() + "')");
        }
        throw new InvalidInputException("the input-layer rule " + mode.inputLayer().get().describe() + " applies to "
                + "the Conv/Gemm layers that read the model input '" + input + "' directly, but this model passes "
                + "the input to " + first + " first. Apply such preprocessing to the images instead of in the "
                + "model, or use no input-layer rule");
    }
}
