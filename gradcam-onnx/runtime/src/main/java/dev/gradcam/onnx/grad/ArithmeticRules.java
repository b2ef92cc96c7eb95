package dev.gradcam.onnx.grad;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Backward rules of broadcasting arithmetic: Add, Sub, Mul, Div, Sum, Mean, Max, Min and Where. */
final class ArithmeticRules {

    private ArithmeticRules() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("Add", c -> {
            passThrough(c, 0, c.gradient());
            passThrough(c, 1, c.gradient());
        });
        rules.put("Sub", c -> {
            passThrough(c, 0, c.gradient());
            if (c.needsGradient(1)) {
                passThrough(c, 1, c.emit().neg(c.gradient()));
            }
        });
        rules.put("Mul", ArithmeticRules::mul);
        rules.put("Div", ArithmeticRules::div);
        rules.put("Sum", c -> {
            for (int i = 0; i < c.node().inputs().size(); i++) {
                passThrough(c, i, c.gradient());
            }
        });
        rules.put("Mean", ArithmeticRules::mean);
        rules.put("Max", ArithmeticRules::extremum);
        rules.put("Min", ArithmeticRules::extremum);
        rules.put("Where", ArithmeticRules::where);
    }

    /** Delivers a gradient of the output's shape to input {@code i}, reduced to that input's shape. */
    private static void passThrough(BackwardContext c, int i, String grad) {
        if (c.needsGradient(i)) {
            c.addGradient(i, c.unbroadcast(grad, c.dims(c.output(0)), c.dims(c.input(i))));
        }
    }

    static void mul(BackwardContext c) {
        Emitter e = c.emit();
        String g = c.gradient();
        if (c.needsGradient(0)) {
            passThrough(c, 0, e.mul(g, c.input(1)));
        }
        if (c.needsGradient(1)) {
            passThrough(c, 1, e.mul(g, c.input(0)));
        }
    }

    static void div(BackwardContext c) {
        Emitter e = c.emit();
        String g = c.gradient();
        if (c.needsGradient(0)) {
            passThrough(c, 0, e.div(g, c.input(1)));
        }
        if (c.needsGradient(1)) {
            // d(a/b)/db = -a/b^2 = -y/b
            passThrough(c, 1, e.neg(e.div(e.mul(g, c.output(0)), c.input(1))));
        }
    }

    static void mean(BackwardContext c) {
        String g = c.emit().mul(c.gradient(), c.scalar(1.0 / c.node().inputs().size()));
        for (int i = 0; i < c.node().inputs().size(); i++) {
            passThrough(c, i, g);
        }
    }

    /** Max and Min: the gradient goes to the inputs equal to the result, split evenly between ties (as PyTorch). */
    static void extremum(BackwardContext c) {
        Emitter e = c.emit();
        int n = c.node().inputs().size();
        if (n == 1) {
            passThrough(c, 0, c.gradient());
            return;
        }
        String y = c.output(0);
        List<String> masks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            masks.add(e.cast(e.op("Equal", c.input(i), y), c.elemType()));
        }
        String count = e.sum(masks);
        String share = e.div(c.gradient(), count);
        for (int i = 0; i < n; i++) {
            if (c.needsGradient(i)) {
                passThrough(c, i, e.mul(share, masks.get(i)));
            }
        }
    }

    static void where(BackwardContext c) {
        Emitter e = c.emit();
        String g = c.gradient();
        String zero = c.scalar(0);
        if (c.needsGradient(1)) {
            passThrough(c, 1, e.where(c.input(0), g, zero));
        }
        if (c.needsGradient(2)) {
            passThrough(c, 2, e.where(c.input(0), zero, g));
        }
    }
}
