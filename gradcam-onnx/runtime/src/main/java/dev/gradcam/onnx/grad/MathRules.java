package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.ConstValue;
import java.util.Map;

/**
 * Backward rules of unary math functions, Pow with a constant exponent, Softmax and LogSoftmax, and Sign, whose
 * derivative is zero wherever it exists: Abs's rule emits Sign, so second-order passes meet it. Floor, Ceil and Round
 * get no rule on purpose: a model explained through them would get blank maps, better refused by name.
 */
final class MathRules {

    private MathRules() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("Erf", MathRules::erf);
        rules.put("Sqrt", MathRules::sqrt);
        rules.put("Exp", c -> c.addGradient(0, c.emit().mul(c.gradient(), c.output(0))));
        rules.put("Log", c -> c.addGradient(0, c.emit().div(c.gradient(), c.input(0))));
        rules.put("Neg", c -> c.addGradient(0, c.emit().neg(c.gradient())));
        rules.put("Abs", c -> c.addGradient(0, c.emit().mul(c.gradient(), c.emit().op("Sign", c.input(0)))));
        rules.put("Reciprocal", MathRules::reciprocal);
        rules.put("Sin", c -> c.addGradient(0, c.emit().mul(c.gradient(), c.emit().op("Cos", c.input(0)))));
        rules.put("Cos", c -> c.addGradient(0,
                c.emit().mul(c.gradient(), c.emit().neg(c.emit().op("Sin", c.input(0))))));
        rules.put("Pow", MathRules::pow);
        rules.put("Softmax", MathRules::softmax);
        rules.put("LogSoftmax", MathRules::logSoftmax);
        rules.put("Sign", MathRules::piecewiseConstant);
    }

    /** Zero: the op is constant between its jumps, and a jump has no derivative to propagate. */
    static void piecewiseConstant(BackwardContext c) {
        String x = c.input(0);
        c.addGradient(0, c.emit().zeros(c.dims(x), Emitter.floatType(c.elemType(x))));
    }

    static void erf(BackwardContext c) {
        Emitter e = c.emit();
        String x = c.input(0);
        // d/dx erf(x) = 2 / sqrt(pi) * exp(-x^2)
        String expo = e.op("Exp", e.neg(e.mul(x, x)));
        c.addGradient(0, e.mul(c.gradient(), e.mul(expo, c.scalar(2.0 / Math.sqrt(Math.PI)))));
    }

    static void sqrt(BackwardContext c) {
        Emitter e = c.emit();
        c.addGradient(0, e.div(e.mul(c.gradient(), c.scalar(0.5)), c.output(0)));
    }

    static void reciprocal(BackwardContext c) {
        Emitter e = c.emit();
        String y = c.output(0);
        c.addGradient(0, e.neg(e.mul(c.gradient(), e.mul(y, y))));
    }

    static void pow(BackwardContext c) {
        if (c.needsGradient(1)) {
            throw c.unsupported("only the base is differentiable; the exponent must not depend on the input");
        }
        ConstValue exponent = c.constant(1);
        if (exponent == null) {
            throw c.unsupported("the exponent must be a constant");
        }
        Emitter e = c.emit();
        String x = c.input(0);
        long[] outDims = c.dims(c.output(0));
        String local;
        if (exponent.size() == 1 && exponent.doubleAt(0) == 2.0) {
            local = e.mul(x, c.scalar(2));
        } else if (exponent.size() == 1 && exponent.doubleAt(0) == 1.0) {
            local = null;
        } else {
            double[] p = exponent.doubles();
            double[] pm1 = new double[p.length];
            for (int i = 0; i < p.length; i++) {
                pm1[i] = p[i] - 1;
            }
            String pConst = e.reals(exponent.dims(), p, c.elemType());
            String pm1Const = e.reals(exponent.dims(), pm1, c.elemType());
            local = e.mul(e.op("Pow", x, pm1Const), pConst);
        }
        String g = local == null ? c.gradient() : e.mul(c.gradient(), local);
        c.addGradient(0, c.unbroadcast(g, outDims, c.dims(x)));
    }

    /** Axes a Softmax-like node normalises over: one axis from opset 13, all axes from {@code axis} before. */
    static long[] softmaxAxes(BackwardContext c) {
        int rank = c.dims(c.input(0)).length;
        int opset = c.emit().opset();
        long axis = c.node().attrInt("axis", opset >= 13 ? -1 : 1);
        int a = (int) (axis < 0 ? axis + rank : axis);
        if (opset >= 13) {
            return new long[] {a};
        }
        // Opsets before 13 flatten the input to 2-D at axis and normalise each row.
        long[] axes = new long[rank - a];
        for (int i = a; i < rank; i++) {
            axes[i - a] = i;
        }
        return axes;
    }

    static void softmax(BackwardContext c) {
        Emitter e = c.emit();
        String y = c.output(0);
        String g = c.gradient();
        String dot = e.reduceSum(e.mul(g, y), softmaxAxes(c), true);
        c.addGradient(0, e.mul(y, e.sub(g, dot)));
    }

    static void logSoftmax(BackwardContext c) {
        Emitter e = c.emit();
        String g = c.gradient();
        String total = e.reduceSum(g, softmaxAxes(c), true);
        c.addGradient(0, e.sub(g, e.mul(e.op("Exp", c.output(0)), total)));
    }
}
