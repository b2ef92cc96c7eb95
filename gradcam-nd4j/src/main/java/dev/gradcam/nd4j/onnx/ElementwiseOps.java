package dev.gradcam.nd4j.onnx;

import dev.gradcam.onnx.graph.ConstValue;
import dev.gradcam.onnx.graph.Node;
import java.util.Map;
import java.util.function.BiFunction;
import org.nd4j.autodiff.samediff.SDVariable;

/**
 * ONNX arithmetic with NumPy broadcasting (Add, Sub, Mul, Div, Pow with a constant exponent) and unary math (Sqrt,
 * Erf, Exp, Neg, Reciprocal), plus the ops that are the identity at inference (Identity, Dropout, float-to-float Cast).
 * A constant operand with one element becomes a scalar op, which keeps its gradient trivial.
 */
final class ElementwiseOps {

    private ElementwiseOps() {
    }

    static void register(Map<String, OpTranslator> t) {
        t.put("Add", (n, c) -> binary(n, c, SDVariable::add, SDVariable::add, SDVariable::add));
        t.put("Sub", (n, c) -> binary(n, c, SDVariable::sub, SDVariable::sub, SDVariable::rsub));
        t.put("Mul", (n, c) -> binary(n, c, SDVariable::mul, SDVariable::mul, SDVariable::mul));
        t.put("Div", (n, c) -> binary(n, c, SDVariable::div, SDVariable::div, SDVariable::rdiv));
        t.put("Pow", ElementwiseOps::pow);
        t.put("Sqrt", (n, c) -> c.define(n.output(0), c.sd().math.sqrt(c.in(n, 0))));
        t.put("Erf", (n, c) -> c.define(n.output(0), c.sd().math.erf(c.in(n, 0))));
        t.put("Exp", (n, c) -> c.define(n.output(0), c.sd().math.exp(c.in(n, 0))));
        t.put("Neg", (n, c) -> c.define(n.output(0), c.sd().math.neg(c.in(n, 0))));
        t.put("Reciprocal", (n, c) -> c.define(n.output(0), c.sd().math.reciprocal(c.in(n, 0))));
        t.put("Identity", ElementwiseOps::identity);
        t.put("Dropout", ElementwiseOps::identity);
        t.put("Cast", ElementwiseOps::cast);
    }

    /** Scalar-operand forms: {@code x op s} and {@code s op x}. */
    private interface ScalarOp {
        SDVariable apply(SDVariable x, double s);
    }

    private static void binary(Node n, TranslationContext c, BiFunction<SDVariable, SDVariable, SDVariable> op,
                               ScalarOp right, ScalarOp left) {
        ConstValue a = c.constant(n, 0);
        ConstValue b = c.constant(n, 1);
        SDVariable y;
        if (b != null && isScalarFor(b, c.rank(n.input(0)))) {
            y = right.apply(c.in(n, 0), b.doubleAt(0));
        } else if (a != null && isScalarFor(a, c.rank(n.input(1)))) {
            y = left.apply(c.in(n, 1), a.doubleAt(0));
        } else {
            y = op.apply(c.in(n, 0), c.in(n, 1));
        }
        c.define(n.output(0), y);
    }

    /** One element, and no more axes than the other operand (so broadcasting would not add any). */
    private static boolean isScalarFor(ConstValue v, int otherRank) {
        return v.size() == 1 && v.rank() <= otherRank && !v.isInteger();
    }

    private static void pow(Node n, TranslationContext c) {
        ConstValue e = c.requireConstant(n, 1, "the exponent");
        if (e.size() != 1) {
            throw c.unsupported(n, "only a scalar exponent is translated");
        }
        double p = e.doubleAt(0);
        SDVariable x = c.in(n, 0);
        c.define(n.output(0), p == 2 ? c.sd().math.square(x) : c.sd().math.pow(x, p));
    }

    private static void identity(Node n, TranslationContext c) {
        if (n.opType().equals("Dropout") && !n.output(1).isEmpty() && !c.graph().consumers(n.output(1)).isEmpty()) {
            throw c.unsupported(n, "the mask output is not translated");
        }
        c.define(n.output(0), c.sd().identity(c.in(n, 0)));
    }

    private static void cast(Node n, TranslationContext c) {
        if (!c.type(n.input(0)).isFloating() || !c.type(n.output(0)).isFloating()) {
            throw c.unsupported(n, "only casts between floating types of values computed from the input are "
                    + "translated");
        }
        identity(n, c);
    }
}
