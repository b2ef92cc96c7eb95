package dev.gradcam.onnx.grad;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.testing.GradCheck;
import dev.gradcam.onnx.testing.GradCheck.Inputs;
import dev.gradcam.onnx.testing.ModelBuilder;
import dev.gradcam.onnx.testing.OrtRunner;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every backward rule against central finite differences on ONNX Runtime, over several shapes and attribute
 * combinations: one- or few-op models built here, random inputs (kept off kinks where the op has them), a random
 * seed, float32 with a step that keeps rounding and truncation errors well below the tolerance.
 */
class BackwardRuleTest {

    private static final long[] X4 = {2, 3, 5, 6};

    /** One test case: a model with input "x" and output "y". */
    record Case(String name, ModelProto model, long[] xDims, Function<Random, float[]> input, double eps) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final List<Case> CASES = new ArrayList<>();

    private static void add(String name, long[] x, Inputs in, double eps, Function<ModelBuilder, ModelBuilder> body,
                            int opset) {
        ModelProto m = body.apply(ModelBuilder.opset(opset).input("x", x)).output("y").build();
        int n = (int) Tensors.count(x);
        CASES.add(new Case(name + " (opset " + opset + ")", m, x, r -> GradCheck.draw(r, n, in), eps));
    }

    private static void add(String name, long[] x, Inputs in, Function<ModelBuilder, ModelBuilder> body) {
        add(name, x, in, 1e-3, body, 17);
    }

    /** A case whose input values are all distinct by a clear gap (max-style ops). */
    private static void distinct(String name, long[] x, Function<ModelBuilder, ModelBuilder> body, int opset) {
        ModelProto m = body.apply(ModelBuilder.opset(opset).input("x", x)).output("y").build();
        int n = (int) Tensors.count(x);
        CASES.add(new Case(name + " (opset " + opset + ")", m, x, r -> GradCheck.distinct(r, n, 0.05), 1e-3));
    }

    private static Random rnd() {
        return new Random(7);
    }

    static {
        activations();
        math();
        arithmetic();
        linear();
        pooling();
        normalization();
        shapeOps();
        resize();
        composites();
        indexOps();
        roiAlign();
    }

    /**
     * RoiAlign with respect to its features, boxes fixed: boxes inside, straddling the border, beyond it and thinner
     * than a pixel, on both images, in both coordinate modes. In the last case the boxes are computed from the input
     * (times zero, so finite differences see fixed boxes), as Faster R-CNN's proposals are: constants of the backward.
     */
    private static void roiAlign() {
        Inputs n = Inputs.normal();
        float[] boxes = {1.2f, 0.4f, 9.5f, 7.7f, -3f, 2.1f, 4.4f, 13.9f, 10.5f, 9.2f, 16f, 15f, 3.3f, 5.1f, 3.6f, 5.4f};
        long[] x = {2, 3, 6, 7};
        for (String ctm : List.of("half_pixel", "output_half_pixel")) {
            add("RoiAlign " + ctm, x, n, 1e-3, b -> b.floats("rois", new long[] {4, 4}, boxes)
                    .init(Tensors.ofLongs("bi", new long[] {4}, new long[] {0, 1, 1, 0}))
                    .node("RoiAlign", "y", List.of("x", "rois", "bi"), Attr.i("output_height", 3),
                            Attr.i("output_width", 2), Attr.i("sampling_ratio", 2), Attr.f("spatial_scale", 0.5f),
                            Attr.s("coordinate_transformation_mode", ctm)), 17);
        }
        add("RoiAlign with boxes computed from the input", x, n, 1e-3, b -> b.floats("rois0", new long[] {4, 4}, boxes)
                .floats("zero", new long[0], 0f)
                .node("ReduceSum", "s", List.of("x"), Attr.i("keepdims", 0)).node("Mul", "s0", List.of("s", "zero"))
                .node("Add", "rois", List.of("rois0", "s0"))
                .init(Tensors.ofLongs("bi", new long[] {4}, new long[] {1, 0, 1, 1}))
                .node("RoiAlign", "y", List.of("x", "rois", "bi"), Attr.i("output_height", 2),
                        Attr.i("output_width", 4), Attr.i("sampling_ratio", 3), Attr.f("spatial_scale", 0.75f)), 17);
    }

    /** Data selected by indices computed from the input (TopK, ArgMax): the indices are constants of the backward. */
    private static void indexOps() {
        distinct("TopK values", X4, b -> b.longs("k", 3).node("TopK", List.of("x", "k"), List.of("y", "i"),
                Attr.i("axis", 3)), 17);
        distinct("TopK smallest, axis 1", X4, b -> b.longs("k", 2).node("TopK", List.of("x", "k"), List.of("y", "i"),
                Attr.i("axis", 1), Attr.i("largest", 0)), 17);
        distinct("GatherElements with ArgMax indices", X4, b -> b
                .node("ArgMax", "i", List.of("x"), Attr.i("axis", 2), Attr.i("keepdims", 1))
                .node("GatherElements", "y", List.of("x", "i"), Attr.i("axis", 2)), 17);
        distinct("Gather with TopK indices", X4, b -> b.longs("k", 2)
                .node("TopK", List.of("x", "k"), List.of("v", "i"), Attr.i("axis", 3))
                .longs("st", 0, 0, 0, 0).longs("en", 1, 1, 1, 2)
                .node("Slice", "i1", List.of("i", "st", "en")).longs("flat", 2)
                .node("Reshape", "i2", List.of("i1", "flat"))
                .node("Gather", "y", List.of("x", "i2"), Attr.i("axis", 3)), 17);
        distinct("Gather repeated run-time indices", new long[] {2, 5}, b -> b.longs("k", 1)
                .node("TopK", List.of("x", "k"), List.of("v", "i"), Attr.i("axis", 1))
                .node("Concat", "ii", List.of("i", "i"), Attr.i("axis", 1))
                .node("Gather", "y", List.of("x", "ii"), Attr.i("axis", 1)), 17);
        distinct("GatherND with ArgMax coordinates", new long[] {3, 4}, b -> b
                .node("ArgMax", "i", List.of("x"), Attr.i("axis", 1), Attr.i("keepdims", 1))
                .init(Tensors.ofLongs("r", new long[] {3, 1}, new long[] {0, 1, 2}))
                .node("Concat", "ix", List.of("r", "i"), Attr.i("axis", 1))
                .node("GatherND", "y", List.of("x", "ix")), 17);
        Inputs n = Inputs.normal();
        // Repeated and negative index tuples, selecting slices: the repeats must accumulate.
        add("GatherND repeated and negative slice indices", new long[] {4, 3, 5}, n, b -> b
                .init(Tensors.ofLongs("ix", new long[] {2, 2, 1}, new long[] {1, -1, 1, 3}))
                .node("GatherND", "y", List.of("x", "ix")));
        add("GatherND repeated coordinate pairs", new long[] {4, 3, 5}, n, b -> b
                .init(Tensors.ofLongs("ix", new long[] {3, 2}, new long[] {0, 1, 0, 1, 3, -1}))
                .node("GatherND", "y", List.of("x", "ix")));
        add("ScatterND data and updates", new long[] {4, 5}, n, b -> b
                .longs("st", 0).longs("en", 2).longs("ax", 0).node("Slice", "s", List.of("x", "st", "en", "ax"))
                .node("Tanh", "u", List.of("s"))
                .init(Tensors.ofLongs("idx", new long[] {2, 1}, new long[] {1, 3}))
                .node("ScatterND", "y", List.of("x", "idx", "u")));
        add("ScatterND add", new long[] {4, 5}, n, b -> b
                .longs("st", 0).longs("en", 2).longs("ax", 0).node("Slice", "s", List.of("x", "st", "en", "ax"))
                .node("Tanh", "u", List.of("s"))
                .init(Tensors.ofLongs("idx", new long[] {2, 1}, new long[] {1, 1}))
                .node("ScatterND", "y", List.of("x", "idx", "u"), Attr.s("reduction", "add")));
        add("ScatterElements data and updates", new long[] {3, 4}, n, b -> b
                .longs("st", 0).longs("en", 1).longs("ax", 0).node("Slice", "s", List.of("x", "st", "en", "ax"))
                .node("Tanh", "u", List.of("s"))
                .init(Tensors.ofLongs("idx", new long[] {1, 4}, new long[] {2, 1, 2, 0}))
                .node("ScatterElements", "y", List.of("x", "idx", "u"), Attr.i("axis", 0)));
    }

    private static void activations() {
        Inputs off0 = Inputs.awayFrom(0, 0.05);
        add("Relu", X4, off0, b -> b.node("Relu", "y", List.of("x")));
        add("Relu 1-D", new long[] {7}, off0, b -> b.node("Relu", "y", List.of("x")));
        add("Relu 8 channels (blocked Tanh mask)", new long[] {2, 8, 3, 4}, off0, b -> b.node("Relu", "y", List.of("x")));
        add("LeakyRelu", X4, off0, b -> b.node("LeakyRelu", "y", List.of("x"), Attr.f("alpha", 0.1f)));
        add("PRelu", X4, off0, b -> b.random("s", rnd(), 0.5, 3, 1, 1).node("PRelu", "y", List.of("x", "s")));
        add("Elu", X4, off0, b -> b.node("Elu", "y", List.of("x"), Attr.f("alpha", 0.7f)));
        add("Selu", X4, off0, b -> b.node("Selu", "y", List.of("x")));
        add("Sigmoid", X4, Inputs.normal(), b -> b.node("Sigmoid", "y", List.of("x")));
        add("Tanh", X4, Inputs.normal(), b -> b.node("Tanh", "y", List.of("x")));
        add("HardSigmoid", X4, new Inputs(v -> 2 * Math.tanh(v)), b -> b.node("HardSigmoid", "y", List.of("x")));
        add("HardSigmoid alpha/beta", X4, new Inputs(v -> 1.25 * Math.tanh(v)),
                b -> b.node("HardSigmoid", "y", List.of("x"), Attr.f("alpha", 0.3f), Attr.f("beta", 0.4f)));
        add("HardSwish middle", X4, new Inputs(v -> 2.5 * Math.tanh(v)), b -> b.node("HardSwish", "y", List.of("x")));
        add("HardSwish outer", X4, new Inputs(v -> Math.signum(v) * (3.2 + Math.abs(v))),
                b -> b.node("HardSwish", "y", List.of("x")));
        Inputs relu6 = new Inputs(v -> {
            double t = 3 + 2.5 * v;
            return Math.abs(t) < 0.05 || Math.abs(t - 6) < 0.05 ? t + 0.1 : t;
        });
        add("Clip ReLU6", X4, relu6, b -> b.floats("lo", new long[0], 0f).floats("hi", new long[0], 6f)
                .node("Clip", "y", List.of("x", "lo", "hi")));
        add("Clip min only", X4, Inputs.awayFrom(-0.5, 0.05), b -> b.floats("lo", new long[0], -0.5f)
                .node("Clip", "y", List.of("x", "lo")));
        add("Clip attributes", X4, new Inputs(v -> {
            double t = 1.5 * v;
            return Math.abs(Math.abs(t) - 1) < 0.05 ? t * 1.1 : t;
        }), 1e-3, b -> b.node("Clip", "y", List.of("x"), Attr.f("min", -1f), Attr.f("max", 1f)), 9);
        add("Softplus", X4, Inputs.normal(), b -> b.node("Softplus", "y", List.of("x")));
        add("Gelu", X4, Inputs.normal(), 1e-3, b -> b.node("Gelu", "y", List.of("x")), 20);
        add("Gelu tanh", X4, Inputs.normal(), 1e-3, b -> b.node("Gelu", "y", List.of("x"),
                Attr.s("approximate", "tanh")), 20);
        add("Softplus 1-D", new long[] {9}, Inputs.normal(), b -> b.node("Softplus", "y", List.of("x")));
        add("Selu alpha/gamma", new long[] {3, 7}, off0, b -> b.node("Selu", "y", List.of("x"),
                Attr.f("alpha", 1.2f), Attr.f("gamma", 0.9f)));
        add("Softsign", X4, Inputs.normal(), b -> b.node("Softsign", "y", List.of("x")));
        add("Softsign 2-D", new long[] {3, 7}, new Inputs(v -> 3 * v), b -> b.node("Softsign", "y", List.of("x")));
        add("Celu", X4, off0, b -> b.node("Celu", "y", List.of("x")));
        add("Celu alpha 0.5 2-D", new long[] {4, 5}, off0, b -> b.node("Celu", "y", List.of("x"),
                Attr.f("alpha", 0.5f)));
        add("Mish", X4, Inputs.normal(), 1e-3, b -> b.node("Mish", "y", List.of("x")), 18);
        add("Mish 1-D", new long[] {11}, new Inputs(v -> 3 * v), 1e-3, b -> b.node("Mish", "y", List.of("x")), 18);
        add("ThresholdedRelu", X4, new Inputs(v -> {
            double t = 2 * v;
            return Math.abs(t - 1) < 0.05 ? t + 0.1 : t;
        }), b -> b.node("ThresholdedRelu", "y", List.of("x")));
        add("ThresholdedRelu alpha 0.3 2-D", new long[] {4, 6}, Inputs.awayFrom(0.3, 0.05),
                b -> b.node("ThresholdedRelu", "y", List.of("x"), Attr.f("alpha", 0.3f)));
        add("Clip HardTanh", new long[] {4, 6}, new Inputs(v -> {
            double t = 1.5 * v;
            return Math.abs(Math.abs(t) - 1) < 0.05 ? t * 1.1 : t;
        }), b -> b.floats("lo", new long[0], -1f).floats("hi", new long[0], 1f)
                .node("Clip", "y", List.of("x", "lo", "hi")));
    }

    private static void math() {
        add("Erf", X4, Inputs.normal(), b -> b.node("Erf", "y", List.of("x")));
        add("Sqrt", X4, Inputs.positive(0.5), b -> b.node("Sqrt", "y", List.of("x")));
        add("Exp", X4, new Inputs(v -> 0.5 * v), b -> b.node("Exp", "y", List.of("x")));
        add("Log", X4, Inputs.positive(0.5), b -> b.node("Log", "y", List.of("x")));
        add("Neg", X4, Inputs.normal(), b -> b.node("Neg", "y", List.of("x")));
        add("Abs", X4, Inputs.awayFrom(0, 0.05), b -> b.node("Abs", "y", List.of("x")));
        // Piecewise constant (second-order passes meet Sign in Abs's rule): zero away from the jump.
        add("Sign", X4, Inputs.awayFrom(0, 0.05), b -> b.node("Sign", "y", List.of("x")));
        add("Reciprocal", X4, Inputs.positive(0.5), b -> b.node("Reciprocal", "y", List.of("x")));
        add("Pow 2", X4, Inputs.normal(), b -> b.floats("p", new long[0], 2f).node("Pow", "y", List.of("x", "p")));
        add("Pow 3", X4, Inputs.normal(), b -> b.floats("p", new long[0], 3f).node("Pow", "y", List.of("x", "p")));
        add("Pow 0.5", X4, Inputs.positive(0.5),
                b -> b.floats("p", new long[0], 0.5f).node("Pow", "y", List.of("x", "p")));
        add("Pow per-channel", X4, Inputs.positive(0.5), b -> b.floats("p", new long[] {3, 1, 1}, 1f, 2f, 3f)
                .node("Pow", "y", List.of("x", "p")));
        add("Softmax last axis", new long[] {3, 7}, Inputs.normal(),
                b -> b.node("Softmax", "y", List.of("x"), Attr.i("axis", -1)));
        add("Softmax axis 1 of 4-D", X4, Inputs.normal(), b -> b.node("Softmax", "y", List.of("x"),
                Attr.i("axis", 1)));
        add("Softmax coerced 2-D", new long[] {2, 3, 4}, Inputs.normal(), 1e-3,
                b -> b.node("Softmax", "y", List.of("x"), Attr.i("axis", 1)), 11);
        add("LogSoftmax", new long[] {3, 7}, Inputs.normal(), b -> b.node("LogSoftmax", "y", List.of("x")));
        add("LogSoftmax coerced 2-D", new long[] {2, 3, 4}, Inputs.normal(), 1e-3,
                b -> b.node("LogSoftmax", "y", List.of("x")), 12);
    }

    private static void arithmetic() {
        Inputs n = Inputs.normal();
        add("Add broadcast constant", X4, n, b -> b.random("c", rnd(), 1, 3, 1, 6).node("Add", "y", List.of("x", "c")));
        add("Add input broadcast", new long[] {5, 1}, n,
                b -> b.random("c", rnd(), 1, 2, 3, 5, 6).node("Add", "y", List.of("c", "x")));
        add("Add fan-out", X4, n, b -> b.node("Add", "y", List.of("x", "x")));
        add("Sub", X4, n, b -> b.random("c", rnd(), 1, 6).node("Sub", "y", List.of("c", "x")));
        add("Sub broadcast input", new long[] {3, 1, 1}, n,
                b -> b.random("c", rnd(), 1, 2, 3, 4, 4).node("Sub", "y", List.of("x", "c")));
        add("Mul", X4, n, b -> b.random("c", rnd(), 1, 3, 1, 1).node("Mul", "y", List.of("x", "c")));
        add("Mul broadcast input", new long[] {6}, n,
                b -> b.random("c", rnd(), 1, 2, 3, 6).node("Mul", "y", List.of("c", "x")));
        add("Mul square", X4, n, b -> b.node("Mul", "y", List.of("x", "x")));
        add("Div numerator", X4, n, b -> b.uniform("c", rnd(), 0.5, 2, 6).node("Div", "y", List.of("x", "c")));
        add("Div denominator", X4, Inputs.positive(0.5),
                b -> b.random("c", rnd(), 1, 3, 1, 1).node("Div", "y", List.of("c", "x")));
        add("Sum", X4, n, b -> b.random("c", rnd(), 1, 6).node("Sum", "y", List.of("x", "c", "x")));
        add("Mean", X4, n, b -> b.random("c", rnd(), 1, 3, 1, 1).node("Mean", "y", List.of("x", "c")));
        add("Max", X4, n, b -> b.random("c", rnd(), 1, 3, 5, 6).node("Max", "y", List.of("x", "c")));
        add("Min broadcast", X4, n, b -> b.random("c", rnd(), 1, 6).node("Min", "y", List.of("c", "x")));
        add("Max tie", X4, n, b -> b.node("Max", "y", List.of("x", "x")));
        add("Where", X4, n, b -> b.init(Tensors.ofLongs("cl", new long[] {6}, new long[] {1, 0, 1, 1, 0, 0}))
                .random("c", rnd(), 1, 3, 1, 1)
                .node("Cast", "cond", List.of("cl"), Attr.i("to", ElementType.BOOL))
                .node("Where", "y", List.of("cond", "x", "c")));
        add("Where constant condition, input as else", new long[] {2, 4}, n, b -> b
                .init(Tensors.ofLongs("cl", new long[] {2, 1}, new long[] {1, 0}))
                .random("c", rnd(), 1, 1, 4)
                .node("Cast", "cond", List.of("cl"), Attr.i("to", ElementType.BOOL))
                .node("Where", "y", List.of("cond", "c", "x")));
    }

    private static void linear() {
        Inputs n = Inputs.normal();
        long[] x8 = {2, 3, 8, 8};
        add("Conv 3x3 pad 1", x8, n, b -> b.random("w", rnd(), 0.3, 4, 3, 3, 3)
                .node("Conv", "y", List.of("x", "w"), Attr.ints("pads", 1, 1, 1, 1)));
        add("Conv stride 2 odd input", new long[] {2, 3, 9, 9}, n, b -> b.random("w", rnd(), 0.3, 4, 3, 3, 3)
                .node("Conv", "y", List.of("x", "w"), Attr.ints("pads", 1, 1, 1, 1), Attr.ints("strides", 2, 2)));
        add("Conv stride 2 remainder", new long[] {1, 2, 8, 7}, n, b -> b.random("w", rnd(), 0.3, 3, 2, 3, 2)
                .node("Conv", "y", List.of("x", "w"), Attr.ints("pads", 0, 1, 0, 0), Attr.ints("strides", 2, 3)));
        add("Conv dilation 2 + bias", x8, n, b -> b.random("w", rnd(), 0.3, 4, 3, 3, 3).random("bias", rnd(), 1, 4)
                .node("Conv", "y", List.of("x", "w", "bias"), Attr.ints("dilations", 2, 2),
                        Attr.ints("pads", 2, 2, 2, 2)));
        add("Conv depthwise", x8, n, b -> b.random("w", rnd(), 0.3, 3, 1, 3, 3)
                .node("Conv", "y", List.of("x", "w"), Attr.i("group", 3), Attr.ints("pads", 1, 1, 1, 1),
                        Attr.ints("strides", 2, 2)));
        add("Conv groups 2", new long[] {2, 4, 6, 6}, n, b -> b.random("w", rnd(), 0.3, 6, 2, 3, 3)
                .node("Conv", "y", List.of("x", "w"), Attr.i("group", 2)));
        add("Conv SAME_UPPER stride 2", new long[] {1, 3, 7, 7}, n, b -> b.random("w", rnd(), 0.3, 2, 3, 4, 4)
                .node("Conv", "y", List.of("x", "w"), Attr.s("auto_pad", "SAME_UPPER"), Attr.ints("strides", 2, 2)));
        add("Conv SAME_LOWER", new long[] {1, 3, 6, 6}, n, b -> b.random("w", rnd(), 0.3, 2, 3, 2, 2)
                .node("Conv", "y", List.of("x", "w"), Attr.s("auto_pad", "SAME_LOWER")));
        add("Conv VALID stride 2", new long[] {1, 3, 8, 8}, n, b -> b.random("w", rnd(), 0.3, 2, 3, 3, 3)
                .node("Conv", "y", List.of("x", "w"), Attr.s("auto_pad", "VALID"), Attr.ints("strides", 2, 2)));
        add("Conv stride 2, 8 channels (reblocked ConvTranspose)", new long[] {2, 8, 7, 7}, n,
                b -> b.random("w", rnd(), 0.2, 16, 8, 3, 3).node("Conv", "y", List.of("x", "w"),
                        Attr.ints("pads", 1, 1, 1, 1), Attr.ints("strides", 2, 2)));
        add("Conv 1x1 stride 2", new long[] {2, 4, 7, 7}, n, b -> b.random("w", rnd(), 0.3, 3, 4, 1, 1)
                .node("Conv", "y", List.of("x", "w"), Attr.ints("strides", 2, 2)));
        add("Conv ConvTranspose-based (no Slice steps)", x8, n, 1e-3, b -> b.random("w", rnd(), 0.3, 4, 3, 3, 3)
                .node("Conv", "y", List.of("x", "w"), Attr.ints("pads", 1, 1, 1, 1)), 9);
        add("Conv 1-D", new long[] {2, 3, 10}, n, b -> b.random("w", rnd(), 0.3, 2, 3, 3)
                .node("Conv", "y", List.of("x", "w"), Attr.ints("strides", 2), Attr.ints("pads", 1, 0)));
        add("ConvTranspose stride 2", new long[] {2, 4, 5, 5}, n, b -> b.random("w", rnd(), 0.3, 4, 3, 3, 3)
                .node("ConvTranspose", "y", List.of("x", "w"), Attr.ints("strides", 2, 2),
                        Attr.ints("pads", 1, 1, 1, 1), Attr.ints("output_padding", 1, 1)));
        add("ConvTranspose groups + bias", new long[] {1, 4, 4, 4}, n, b -> b.random("w", rnd(), 0.3, 4, 2, 2, 2)
                .random("bias", rnd(), 1, 4).node("ConvTranspose", "y", List.of("x", "w", "bias"), Attr.i("group", 2),
                        Attr.ints("strides", 2, 2)));
        add("ConvTranspose output_shape", new long[] {1, 2, 4, 4}, n, b -> b.random("w", rnd(), 0.3, 2, 3, 3, 3)
                .node("ConvTranspose", "y", List.of("x", "w"), Attr.ints("strides", 2, 2),
                        Attr.ints("output_shape", 8, 8)));
        add("ConvTranspose SAME_UPPER", new long[] {1, 2, 4, 4}, Inputs.normal(), b -> b.random("w", rnd(), 0.3, 2, 3, 3, 3)
                .node("ConvTranspose", "y", List.of("x", "w"), Attr.ints("strides", 2, 2),
                        Attr.s("auto_pad", "SAME_UPPER")));
        add("ConvTranspose SAME_LOWER", new long[] {1, 2, 4, 4}, Inputs.normal(), b -> b.random("w", rnd(), 0.3, 2, 3, 3, 3)
                .node("ConvTranspose", "y", List.of("x", "w"), Attr.ints("strides", 2, 2),
                        Attr.s("auto_pad", "SAME_LOWER")));
        add("ConvTranspose dilation", new long[] {1, 2, 4, 5}, n, b -> b.random("w", rnd(), 0.3, 2, 2, 3, 3)
                .node("ConvTranspose", "y", List.of("x", "w"), Attr.ints("dilations", 2, 1)));
        add("Gemm transB + bias", new long[] {3, 5}, n, b -> b.random("w", rnd(), 0.5, 4, 5).random("c", rnd(), 1, 4)
                .node("Gemm", "y", List.of("x", "w", "c"), Attr.i("transB", 1)));
        add("Gemm transA alpha beta", new long[] {5, 3}, n, b -> b.random("w", rnd(), 0.5, 5, 4)
                .random("c", rnd(), 1, 3, 4).node("Gemm", "y", List.of("x", "w", "c"), Attr.i("transA", 1),
                        Attr.f("alpha", 0.5f), Attr.f("beta", 2f)));
        add("Gemm input as B", new long[] {5, 4}, n, b -> b.random("a", rnd(), 0.5, 3, 5)
                .node("Gemm", "y", List.of("a", "x")));
        // Opset 9 (PyTorch 1.7-era exports): the backward Gemms need a C input there.
        add("Gemm transB + bias", new long[] {3, 5}, n, 1e-3, b -> b.random("w", rnd(), 0.5, 4, 5)
                .random("c", rnd(), 1, 4).node("Gemm", "y", List.of("x", "w", "c"), Attr.i("transB", 1)), 9);
        add("Gemm input as B", new long[] {5, 4}, n, 1e-3, b -> b.random("a", rnd(), 0.5, 3, 5)
                .random("c", rnd(), 1, 4).node("Gemm", "y", List.of("a", "x", "c")), 10);
        add("Gemm input as B transposed", new long[] {4, 5}, n, b -> b.random("a", rnd(), 0.5, 5, 3)
                .node("Gemm", "y", List.of("a", "x"), Attr.i("transA", 1), Attr.i("transB", 1)));
        add("MatMul 4-D by matrix", new long[] {2, 3, 4, 5}, n, b -> b.random("w", rnd(), 0.5, 5, 6)
                .node("MatMul", "y", List.of("x", "w")));
        add("MatMul batch broadcast", new long[] {3, 4}, n, b -> b.random("w", rnd(), 0.5, 2, 4, 5)
                .node("MatMul", "y", List.of("x", "w")));
        add("MatMul input on the right", new long[] {2, 3, 5}, n, b -> b.random("w", rnd(), 0.5, 4, 3)
                .node("MatMul", "y", List.of("w", "x")));
        add("MatMul 1-D left", new long[] {5}, n, b -> b.random("w", rnd(), 0.5, 5, 3)
                .node("MatMul", "y", List.of("x", "w")));
        add("MatMul 1-D right", new long[] {5}, n, b -> b.random("w", rnd(), 0.5, 2, 3, 5)
                .node("MatMul", "y", List.of("w", "x")));
        add("MatMul x by its transpose", new long[] {2, 3, 4}, n, b -> b
                .node("Transpose", "xt", List.of("x"), Attr.ints("perm", 0, 2, 1))
                .node("MatMul", "y", List.of("x", "xt")));
    }

    private static void pooling() {
        long[] x8 = {2, 2, 8, 8};
        distinct("MaxPool 2x2/2", x8, b -> b.node("MaxPool", "y", List.of("x"), Attr.ints("kernel_shape", 2, 2),
                Attr.ints("strides", 2, 2)), 17);
        distinct("MaxPool 3x3/2 pad 1 overlapping", x8, b -> b.node("MaxPool", "y", List.of("x"),
                Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2), Attr.ints("pads", 1, 1, 1, 1)), 17);
        distinct("MaxPool 3x3/2 overlapping, grouped scatter", new long[] {1, 2, 9, 9}, b -> b.node("MaxPool", "y",
                List.of("x"), Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2)), 13);
        distinct("MaxPool 2x2/2 scatter", x8, b -> b.node("MaxPool", "y", List.of("x"),
                Attr.ints("kernel_shape", 2, 2), Attr.ints("strides", 2, 2)), 11);
        distinct("MaxPool 3x3/1 overlapping", new long[] {1, 1, 6, 6}, b -> b.node("MaxPool", "y", List.of("x"),
                Attr.ints("kernel_shape", 3, 3)), 12);
        distinct("MaxPool ceil_mode", x8, b -> b.node("MaxPool", "y", List.of("x"), Attr.ints("kernel_shape", 3, 3),
                Attr.ints("strides", 2, 2), Attr.i("ceil_mode", 1)), 17);
        distinct("MaxPool ceil_mode pad, last window in the padding", new long[] {1, 2, 5, 5}, b -> b.node("MaxPool",
                "y", List.of("x"), Attr.ints("kernel_shape", 2, 2), Attr.ints("strides", 2, 2), Attr.i("ceil_mode", 1),
                Attr.ints("pads", 1, 1, 1, 1)), 17);
        distinct("MaxPool dilation", x8, b -> b.node("MaxPool", "y", List.of("x"), Attr.ints("kernel_shape", 2, 2),
                Attr.ints("dilations", 2, 2)), 17);
        distinct("MaxPool 1-D", new long[] {2, 3, 9}, b -> b.node("MaxPool", "y", List.of("x"),
                Attr.ints("kernel_shape", 3), Attr.ints("strides", 2)), 17);
        distinct("MaxPool SAME_UPPER", new long[] {1, 2, 7, 7}, b -> b.node("MaxPool", "y", List.of("x"),
                Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2), Attr.s("auto_pad", "SAME_UPPER")), 17);
        Inputs n = Inputs.normal();
        add("AveragePool 3x3/2 pad exclude", x8, n, b -> b.node("AveragePool", "y", List.of("x"),
                Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2), Attr.ints("pads", 1, 1, 1, 1)));
        add("AveragePool 3x3/2 pad include", x8, n, b -> b.node("AveragePool", "y", List.of("x"),
                Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2), Attr.ints("pads", 1, 1, 1, 1),
                Attr.i("count_include_pad", 1)));
        add("AveragePool ceil_mode", x8, n, b -> b.node("AveragePool", "y", List.of("x"),
                Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2), Attr.i("ceil_mode", 1)));
        add("AveragePool ceil_mode pad include", new long[] {1, 2, 8, 8}, n, b -> b.node("AveragePool", "y",
                List.of("x"), Attr.ints("kernel_shape", 3, 3), Attr.ints("strides", 2, 2), Attr.i("ceil_mode", 1),
                Attr.ints("pads", 1, 1, 1, 1), Attr.i("count_include_pad", 1)));
        add("AveragePool ceil_mode pad, last window in the padding", new long[] {1, 2, 5, 5}, n, b -> b
                .node("AveragePool", "y", List.of("x"), Attr.ints("kernel_shape", 2, 2), Attr.ints("strides", 2, 2),
                        Attr.i("ceil_mode", 1), Attr.ints("pads", 1, 1, 1, 1)));
        add("AveragePool ceil_mode pad include, last window in the padding", new long[] {2, 2, 7, 6}, n, b -> b
                .node("AveragePool", "y", List.of("x"), Attr.ints("kernel_shape", 3, 2), Attr.ints("strides", 3, 2),
                        Attr.i("ceil_mode", 1), Attr.ints("pads", 1, 1, 1, 1), Attr.i("count_include_pad", 1)));
        add("AveragePool 1-D ceil_mode pad, last window in the padding", new long[] {2, 3, 9}, n, b -> b
                .node("AveragePool", "y", List.of("x"), Attr.ints("kernel_shape", 2), Attr.ints("strides", 2),
                        Attr.i("ceil_mode", 1), Attr.ints("pads", 1, 1)));
        add("AveragePool 2x2/2", x8, n, b -> b.node("AveragePool", "y", List.of("x"),
                Attr.ints("kernel_shape", 2, 2), Attr.ints("strides", 2, 2)));
        add("AveragePool 1-D", new long[] {2, 2, 9}, n, b -> b.node("AveragePool", "y", List.of("x"),
                Attr.ints("kernel_shape", 3), Attr.ints("strides", 2), Attr.ints("pads", 1, 1)));
        add("GlobalAveragePool", x8, n, b -> b.node("GlobalAveragePool", "y", List.of("x")));
        add("GlobalAveragePool 16 channels (blocked broadcast)", new long[] {2, 16, 3, 5}, n,
                b -> b.node("GlobalAveragePool", "y", List.of("x")));
        add("GlobalAveragePool 16 channels (Expand, reblocked)", new long[] {2, 16, 3, 5}, n, 1e-3,
                b -> b.node("GlobalAveragePool", "y", List.of("x")), 18);
        distinct("GlobalMaxPool", x8, b -> b.node("GlobalMaxPool", "y", List.of("x")), 17);
        add("ReduceMean attr axes", X4, n, 1e-3, b -> b.node("ReduceMean", "y", List.of("x"), Attr.ints("axes", 1)),
                13);
        add("ReduceMean input axes", X4, n, 1e-3, b -> b.longs("axes", 2, 3)
                .node("ReduceMean", "y", List.of("x", "axes"), Attr.i("keepdims", 0)), 18);
        add("ReduceSum input axes", X4, n, 1e-3, b -> b.longs("axes", -3)
                .node("ReduceSum", "y", List.of("x", "axes"), Attr.i("keepdims", 0)), 13);
        add("ReduceSum attr axes", X4, n, 1e-3, b -> b.node("ReduceSum", "y", List.of("x"), Attr.ints("axes", 0, 2)),
                11);
        add("ReduceSum all", X4, n, 1e-3, b -> b.node("ReduceSum", "y", List.of("x"), Attr.i("keepdims", 0)), 13);
        distinct("ReduceMax attr axes", X4, b -> b.node("ReduceMax", "y", List.of("x"), Attr.ints("axes", 1)), 13);
        distinct("ReduceMax input axes", X4, b -> b.longs("axes", 2, 3)
                .node("ReduceMax", "y", List.of("x", "axes"), Attr.i("keepdims", 0)), 18);
        distinct("ReduceMin", X4, b -> b.node("ReduceMin", "y", List.of("x"), Attr.ints("axes", -1)), 13);
        add("ReduceL2 attr axes", X4, n, 1e-3, b -> b.node("ReduceL2", "y", List.of("x"), Attr.ints("axes", 1)), 13);
        add("ReduceL2 input axes no keepdims", new long[] {3, 4, 5}, n, 1e-3, b -> b.longs("axes", 0, 2)
                .node("ReduceL2", "y", List.of("x", "axes"), Attr.i("keepdims", 0)), 18);
        add("ReduceL2 all", new long[] {4, 5}, n, 1e-3, b -> b.node("ReduceL2", "y", List.of("x"),
                Attr.i("keepdims", 0)), 13);
        add("ReduceLogSumExp attr axes", X4, n, 1e-3, b -> b.node("ReduceLogSumExp", "y", List.of("x"),
                Attr.ints("axes", 2, 3)), 13);
        add("ReduceLogSumExp input axes no keepdims", new long[] {3, 7}, n, 1e-3, b -> b.longs("axes", -1)
                .node("ReduceLogSumExp", "y", List.of("x", "axes"), Attr.i("keepdims", 0)), 18);
        add("ReduceL1", X4, Inputs.awayFrom(0, 0.05), 1e-3, b -> b.node("ReduceL1", "y", List.of("x"),
                Attr.ints("axes", 1), Attr.i("keepdims", 0)), 13);
        add("ReduceSumSquare", new long[] {3, 7}, n, 1e-3, b -> b.longs("axes", 1)
                .node("ReduceSumSquare", "y", List.of("x", "axes")), 18);
        add("ReduceLogSum", X4, Inputs.positive(0.5), 1e-3, b -> b.node("ReduceLogSum", "y", List.of("x"),
                Attr.ints("axes", 1, 2)), 13);
    }

    private static void normalization() {
        Inputs n = Inputs.normal();
        add("BatchNormalization", X4, n, b -> b.random("scale", rnd(), 1, 3).random("bias", rnd(), 1, 3)
                .random("mean", rnd(), 1, 3).uniform("var", rnd(), 0.5, 2, 3)
                .node("BatchNormalization", "y", List.of("x", "scale", "bias", "mean", "var"),
                        Attr.f("epsilon", 1e-3f)));
        add("BatchNormalization 2-D", new long[] {4, 3}, n, 1e-3, b -> b.random("scale", rnd(), 1, 3)
                .random("bias", rnd(), 1, 3).random("mean", rnd(), 1, 3).uniform("var", rnd(), 0.5, 2, 3)
                .node("BatchNormalization", "y", List.of("x", "scale", "bias", "mean", "var")), 9);
        add("LayerNormalization last axis", new long[] {2, 4, 6}, n, 3e-3, b -> b.random("g", rnd(), 1, 6)
                .random("bb", rnd(), 1, 6).node("LayerNormalization", "y", List.of("x", "g", "bb")), 17);
        add("LayerNormalization axis 1", X4, n, 3e-3, b -> b.random("g", rnd(), 1, 3, 5, 6)
                .node("LayerNormalization", "y", List.of("x", "g"), Attr.i("axis", 1)), 17);
        add("RMSNormalization last axis", new long[] {2, 4, 6}, n, 3e-3, b -> b.random("g", rnd(), 1, 6)
                .node("RMSNormalization", "y", List.of("x", "g")), 23);
        add("RMSNormalization axis 1, epsilon", X4, n, 3e-3, b -> b.random("g", rnd(), 1, 3, 5, 6)
                .node("RMSNormalization", "y", List.of("x", "g"), Attr.i("axis", 1), Attr.f("epsilon", 1e-2f)), 23);
        add("InstanceNormalization", X4, n, 3e-3, b -> b.random("g", rnd(), 1, 3).random("bb", rnd(), 1, 3)
                .node("InstanceNormalization", "y", List.of("x", "g", "bb")), 17);
        add("GroupNormalization opset 18 (scale per group)", new long[] {2, 4, 3, 3}, n, 3e-3, b -> b
                .random("g", rnd(), 1, 2).random("bb", rnd(), 1, 2)
                .node("GroupNormalization", "y", List.of("x", "g", "bb"), Attr.i("num_groups", 2)), 18);
        add("GroupNormalization opset 18 1-D spatial", new long[] {1, 6, 5}, n, 3e-3, b -> b
                .random("g", rnd(), 1, 3).random("bb", rnd(), 1, 3)
                .node("GroupNormalization", "y", List.of("x", "g", "bb"), Attr.i("num_groups", 3),
                        Attr.f("epsilon", 1e-3f)), 18);
        add("GroupNormalization opset 21 (scale per channel)", new long[] {2, 4, 3, 3}, n, 3e-3, b -> b
                .random("g", rnd(), 1, 4).random("bb", rnd(), 1, 4)
                .node("GroupNormalization", "y", List.of("x", "g", "bb"), Attr.i("num_groups", 2)), 21);
        add("GroupNormalization opset 21 one group", new long[] {1, 6, 2, 4}, n, 3e-3, b -> b
                .random("g", rnd(), 1, 6).random("bb", rnd(), 1, 6)
                .node("GroupNormalization", "y", List.of("x", "g", "bb"), Attr.i("num_groups", 1)), 21);
    }

    private static void shapeOps() {
        Inputs n = Inputs.normal();
        add("Concat", X4, n, b -> b.random("c", rnd(), 1, 2, 2, 5, 6).node("Concat", "y", List.of("c", "x", "c"),
                Attr.i("axis", 1)));
        add("Concat fan-out", X4, n, b -> b.node("Concat", "y", List.of("x", "x"), Attr.i("axis", -1)));
        add("Split sizes input", new long[] {2, 3, 4}, n, 1e-3, b -> b.longs("sp", 1, 2)
                .node("Split", List.of("x", "sp"), List.of("a", "c"), Attr.i("axis", 1))
                .node("Concat", "y", List.of("c", "a"), Attr.i("axis", 1)), 13);
        add("Split one part used", new long[] {2, 6}, n, 1e-3, b -> b
                .node("Split", List.of("x"), List.of("a", "c", "d"), Attr.i("axis", 1))
                .node("Identity", "y", List.of("c")), 13);
        add("Split attribute", new long[] {4, 3}, n, 1e-3, b -> b
                .node("Split", List.of("x"), List.of("a", "c"), Attr.ints("split", 3, 1))
                .node("Mul", "y", List.of("a", "a")), 11);
        add("Slice", X4, n, b -> b.longs("st", 1, 0).longs("en", 3, -1).longs("ax", 1, 2)
                .node("Slice", "y", List.of("x", "st", "en", "ax")));
        add("Slice steps", X4, n, b -> b.longs("st", 0, 5).longs("en", 100, 0).longs("ax", 3, 2).longs("sp", 2, -2)
                .node("Slice", "y", List.of("x", "st", "en", "ax", "sp")));
        add("Slice attributes", X4, n, 1e-3, b -> b.node("Slice", "y", List.of("x"), Attr.ints("starts", 1),
                Attr.ints("ends", 4), Attr.ints("axes", 3)), 9);
        add("Gather repeated", X4, n, b -> b.longs("i", 2, 0, 2).node("Gather", "y", List.of("x", "i"),
                Attr.i("axis", 1)));
        add("Gather scalar", X4, n, 1e-3, b -> b.init(Tensors.ofLongs("i", new long[0], new long[] {-1}))
                .node("Gather", "y", List.of("x", "i")), 13);
        add("Reshape", X4, n, b -> b.longs("s", 2, -1).node("Reshape", "y", List.of("x", "s")));
        add("Flatten", X4, n, b -> b.node("Flatten", "y", List.of("x"), Attr.i("axis", 2)));
        add("Transpose", X4, n, b -> b.node("Transpose", "y", List.of("x"), Attr.ints("perm", 0, 2, 3, 1)));
        add("Squeeze", new long[] {2, 1, 3}, n, 1e-3, b -> b.longs("a", 1)
                .node("Squeeze", "y", List.of("x", "a")), 13);
        add("Squeeze attribute", new long[] {2, 1, 3, 1}, n, 1e-3, b -> b
                .node("Squeeze", "y", List.of("x")), 11);
        add("Unsqueeze", new long[] {2, 3}, n, 1e-3, b -> b.longs("a", 0, 3)
                .node("Unsqueeze", "y", List.of("x", "a")), 13);
        add("Expand", new long[] {3, 1}, n, b -> b.longs("s", 2, 3, 4).node("Expand", "y", List.of("x", "s")));
        add("Pad", X4, n, b -> b.longs("p", 0, 0, 1, 2, 0, 0, 2, 1).node("Pad", "y", List.of("x", "p")));
        add("Pad negative", X4, n, b -> b.longs("p", 0, 1, -1, 0, 0, 0, 2, -2).node("Pad", "y", List.of("x", "p")));
        add("Pad attributes", X4, n, 1e-3, b -> b.node("Pad", "y", List.of("x"),
                Attr.ints("pads", 0, 0, 1, 1, 0, 0, 1, 0)), 9);
        add("Tile", new long[] {2, 3}, n, b -> b.longs("r", 2, 3).node("Tile", "y", List.of("x", "r")));
        add("Tile 4-D", X4, n, b -> b.longs("r", 1, 2, 1, 3).node("Tile", "y", List.of("x", "r")));
        add("Pad reflect", X4, n, b -> b.longs("p", 0, 0, 2, 1, 0, 0, 1, 3).node("Pad", "y", List.of("x", "p"),
                Attr.s("mode", "reflect")));
        add("Pad reflect 1-D max width", new long[] {2, 3, 4}, n, b -> b.longs("p", 0, 0, 3, 0, 0, 3)
                .node("Pad", "y", List.of("x", "p"), Attr.s("mode", "reflect")));
        add("Pad edge", X4, n, b -> b.longs("p", 0, 0, 3, 1, 0, 0, 2, 4).node("Pad", "y", List.of("x", "p"),
                Attr.s("mode", "edge")));
        add("Pad edge all axes", new long[] {2, 3}, n, b -> b.longs("p", 1, 2, 2, 1)
                .node("Pad", "y", List.of("x", "p"), Attr.s("mode", "edge")));
        add("Pad reflect attributes", X4, n, 1e-3, b -> b.node("Pad", "y", List.of("x"),
                Attr.ints("pads", 0, 0, 1, 2, 0, 0, 2, 1), Attr.s("mode", "reflect")), 9);
        add("Pad edge attributes", new long[] {1, 2, 3, 4}, n, 1e-3, b -> b.node("Pad", "y", List.of("x"),
                Attr.ints("pads", 0, 0, 4, 0, 0, 0, 0, 5), Attr.s("mode", "edge")), 9);
        add("Pad reflect axes input", X4, n, 1e-3, b -> b.longs("p", 2, 1, 1, 2).longs("ax", 3, -2)
                .node("Pad", "y", List.of("x", "p", "", "ax"), Attr.s("mode", "reflect")), 18);
        add("Pad wrap", X4, n, 1e-3, b -> b.longs("p", 0, 0, 2, 1, 0, 0, 3, 4)
                .node("Pad", "y", List.of("x", "p"), Attr.s("mode", "wrap")), 19);
        add("Pad wrap full width", X4, n, 1e-3, b -> b.longs("p", 0, 0, 5, 6, 0, 0, 5, 6)
                .node("Pad", "y", List.of("x", "p"), Attr.s("mode", "wrap")), 19);
        add("DepthToSpace DCR", new long[] {2, 8, 2, 3}, n, b -> b.node("DepthToSpace", "y", List.of("x"),
                Attr.i("blocksize", 2)));
        add("DepthToSpace CRD", new long[] {2, 8, 2, 3}, n, b -> b.node("DepthToSpace", "y", List.of("x"),
                Attr.i("blocksize", 2), Attr.s("mode", "CRD")));
        add("DepthToSpace CRD blocksize 3", new long[] {1, 18, 2, 2}, n, b -> b.node("DepthToSpace", "y",
                List.of("x"), Attr.i("blocksize", 3), Attr.s("mode", "CRD")));
        add("DepthToSpace DCR opset 11", new long[] {1, 9, 3, 2}, n, 1e-3, b -> b.node("DepthToSpace", "y",
                List.of("x"), Attr.i("blocksize", 3)), 11);
        add("SpaceToDepth", new long[] {2, 3, 4, 6}, n, b -> b.node("SpaceToDepth", "y", List.of("x"),
                Attr.i("blocksize", 2)));
        add("SpaceToDepth blocksize 3", new long[] {1, 2, 6, 3}, n, b -> b.node("SpaceToDepth", "y", List.of("x"),
                Attr.i("blocksize", 3)));
        add("Identity and Dropout", X4, n, b -> b.node("Identity", "a", List.of("x"))
                .node("Dropout", "y", List.of("a")));
        add("Cast round trip", X4, n, b -> b.node("Cast", "d", List.of("x"), Attr.i("to", ElementType.DOUBLE))
                .node("Mul", "d2", List.of("d", "d")).node("Cast", "y", List.of("d2"), Attr.i("to", ElementType.FLOAT)));
        add("Shape-driven Reshape", X4, n, b -> b.node("Shape", "s", List.of("x"))
                .init(Tensors.ofLongs("zero", new long[] {1}, new long[] {0}))
                .node("Gather", "n", List.of("s", "zero"))
                .longs("m1", -1).node("Concat", "t", List.of("n", "m1"), Attr.i("axis", 0))
                .node("Reshape", "y", List.of("x", "t")));
    }

    private static void resize() {
        Inputs n = Inputs.normal();
        long[] x = {1, 2, 4, 5};
        add("Resize nearest asymmetric floor x2", x, n, b -> b.floats("roi", new long[] {0})
                .floats("sc", new long[] {4}, 1, 1, 2, 2).node("Resize", "y", List.of("x", "roi", "sc"),
                        Attr.s("mode", "nearest"), Attr.s("coordinate_transformation_mode", "asymmetric"),
                        Attr.s("nearest_mode", "floor")));
        add("Resize nearest half_pixel x1.5", x, n, b -> b.floats("roi", new long[] {0})
                .floats("sc", new long[] {4}, 1, 1, 1.5f, 1.5f).node("Resize", "y", List.of("x", "roi", "sc"),
                        Attr.s("mode", "nearest")));
        add("Resize linear half_pixel x2", x, n, b -> b.floats("roi", new long[] {0})
                .floats("sc", new long[] {4}, 1, 1, 2, 2).node("Resize", "y", List.of("x", "roi", "sc"),
                        Attr.s("mode", "linear")));
        add("Resize linear align_corners sizes", x, n, b -> b.floats("roi", new long[] {0})
                .floats("sc", new long[] {0}).longs("sz", 1, 2, 7, 9).node("Resize", "y",
                        List.of("x", "roi", "sc", "sz"), Attr.s("mode", "linear"),
                        Attr.s("coordinate_transformation_mode", "align_corners")));
        add("Resize linear pytorch_half_pixel downscale", new long[] {1, 2, 8, 6}, n, b -> b
                .floats("roi", new long[] {0}).floats("sc", new long[] {4}, 1, 1, 0.5f, 0.5f)
                .node("Resize", "y", List.of("x", "roi", "sc"), Attr.s("mode", "linear"),
                        Attr.s("coordinate_transformation_mode", "pytorch_half_pixel")));
        add("Resize nearest channels", x, n, b -> b.floats("roi", new long[] {0})
                .floats("sc", new long[] {4}, 1, 2, 1, 1).node("Resize", "y", List.of("x", "roi", "sc"),
                        Attr.s("mode", "nearest")));
        add("Upsample nearest", x, n, 1e-3, b -> b.floats("sc", new long[] {4}, 1, 1, 2, 3)
                .node("Upsample", "y", List.of("x", "sc"), Attr.s("mode", "nearest")), 9);
        add("Upsample linear", x, n, 1e-3, b -> b.floats("sc", new long[] {4}, 1, 1, 2, 2)
                .node("Upsample", "y", List.of("x", "sc"), Attr.s("mode", "linear")), 9);
        add("Upsample linear x3 odd", new long[] {2, 1, 3, 5}, n, 1e-3, b -> b.floats("sc", new long[] {4}, 1, 1, 3, 1.5f)
                .node("Upsample", "y", List.of("x", "sc"), Attr.s("mode", "linear")), 9);
        add("Upsample nearest 1-D", new long[] {2, 3, 4}, n, 1e-3, b -> b.floats("sc", new long[] {3}, 1, 1, 2)
                .node("Upsample", "y", List.of("x", "sc"), Attr.s("mode", "nearest")), 9);
        add("Resize opset 10 linear", x, n, 1e-3, b -> b.floats("sc", new long[] {4}, 1, 1, 2, 2)
                .node("Resize", "y", List.of("x", "sc"), Attr.s("mode", "linear")), 10);
    }

    private static void composites() {
        Inputs n = Inputs.normal();
        add("SiLU fan-out", X4, n, b -> b.node("Sigmoid", "s", List.of("x")).node("Mul", "y", List.of("x", "s")));
        add("Residual block", new long[] {1, 3, 6, 6}, Inputs.normal(), b -> b.random("w", rnd(), 0.3, 3, 3, 3, 3)
                .node("Conv", "c", List.of("x", "w"), Attr.ints("pads", 1, 1, 1, 1))
                .node("Add", "s", List.of("c", "x")).node("Tanh", "y", List.of("s")));
        add("GELU (erf form)", X4, n, b -> b.floats("sq2", new long[0], (float) Math.sqrt(2))
                .floats("one", new long[0], 1f).floats("half", new long[0], 0.5f)
                .node("Div", "d", List.of("x", "sq2")).node("Erf", "e", List.of("d"))
                .node("Add", "a", List.of("e", "one")).node("Mul", "m", List.of("x", "a"))
                .node("Mul", "y", List.of("m", "half")));
        attention(n);
        attentionOp(n);
    }

    /** Attention as exporters write it: scores of the input with itself, softmax, weighted sum. */
    private static void attention(Inputs n) {
        long[] tokens = {2, 3, 4};
        add("Self-attention with batched MatMul", tokens, n, 3e-3, b -> b
                .node("Transpose", "xt", List.of("x"), Attr.ints("perm", 0, 2, 1))
                .node("MatMul", "s", List.of("x", "xt")).node("Softmax", "p", List.of("s"), Attr.i("axis", -1))
                .node("MatMul", "y", List.of("p", "x")), 17);
        add("Softmax over the middle axis of attention", tokens, n, b -> b
                .node("Softmax", "y", List.of("x"), Attr.i("axis", 1)));
        add("Einsum self-attention", tokens, n, 3e-3, b -> b
                .node("Einsum", "s", List.of("x", "x"), Attr.s("equation", "bid,bjd->bij"))
                .node("Softmax", "p", List.of("s"), Attr.i("axis", -1))
                .node("Einsum", "y", List.of("p", "x"), Attr.s("equation", "bij,bjd->bid")), 17);
        add("Einsum with a weight and an ellipsis", tokens, n, b -> b.random("w", rnd(), 0.5, 4, 5)
                .node("Einsum", "y", List.of("x", "w"), Attr.s("equation", "...d,de->...e")));
        add("Einsum summing an axis only one operand has", tokens, n, b -> b.random("w", rnd(), 0.5, 2, 5)
                .node("Einsum", "y", List.of("x", "w"), Attr.s("equation", "bij,bk->bk")));
        add("Einsum implicit output (transpose)", tokens, n, b -> b
                .node("Einsum", "y", List.of("x"), Attr.s("equation", "bji")));
    }

    /**
     * Opset 23's Attention node: Q is the input, K and V linear maps of it (so the check covers all three paths),
     * in the layouts and variants exporters write (4-D heads, 3-D with head-count attributes, grouped-query heads,
     * a shorter key sequence, boolean and additive masks, causal masking with a key/value cache, softcap, scale).
     */
    private static void attentionOp(Inputs n) {
        long[] x4 = {2, 2, 3, 4};
        add("Attention 4-D", x4, n, 3e-3, b -> kv(b, 4, 4).node("Attention", "y", List.of("x", "k", "v")), 23);
        add("Attention 3-D, head counts, scale", new long[] {2, 3, 8}, n, 3e-3, b -> kv(b, 8, 8)
                .node("Attention", "y", List.of("x", "k", "v"), Attr.i("q_num_heads", 2), Attr.i("kv_num_heads", 2),
                        Attr.f("scale", 0.3f)), 23);
        add("Attention 3-D grouped-query heads", new long[] {2, 3, 8}, n, 3e-3, b -> kv(b, 8, 4)
                .node("Attention", "y", List.of("x", "k", "v"), Attr.i("q_num_heads", 4),
                        Attr.i("kv_num_heads", 2)), 23);
        add("Attention 4-D grouped-query heads, shorter keys", new long[] {2, 4, 3, 2}, n, 3e-3, b -> b
                .longs("st", 0, 0).longs("en", 2, 2).longs("ax", 1, 2)
                .node("Slice", "xs", List.of("x", "st", "en", "ax")).random("wk", rnd(), 0.7, 2, 2)
                .random("wv", rnd(), 0.7, 2, 3).node("MatMul", "k", List.of("xs", "wk"))
                .node("MatMul", "v", List.of("xs", "wv")).node("Attention", "y", List.of("x", "k", "v")), 23);
        add("Attention boolean mask", x4, n, 3e-3, b -> kv(b, 4, 4)
                .floats("mf", new long[] {3, 3}, 1, 0, 1, 1, 1, 0, 0, 1, 1)
                .node("Cast", "m", List.of("mf"), Attr.i("to", ElementType.BOOL))
                .node("Attention", "y", List.of("x", "k", "v", "m")), 23);
        add("Attention additive mask", x4, n, 3e-3, b -> kv(b, 4, 4).random("m", rnd(), 1, 2, 1, 3, 3)
                .node("Attention", "y", List.of("x", "k", "v", "m")), 23);
        add("Attention causal", x4, n, 3e-3, b -> kv(b, 4, 4)
                .node("Attention", "y", List.of("x", "k", "v"), Attr.i("is_causal", 1)), 23);
        add("Attention causal with a cache, all outputs", x4, n, 3e-3, b -> kv(b, 4, 4)
                .longs("st", 0).longs("en", 2).longs("ax", 2).node("Slice", "xs", List.of("x", "st", "en", "ax"))
                .random("wp", rnd(), 0.7, 4, 4).node("MatMul", "pk", List.of("xs", "wp"))
                .node("Tanh", "pv", List.of("xs"))
                .node("Attention", List.of("x", "k", "v", "", "pk", "pv"), List.of("a", "kk", "vv"),
                        Attr.i("is_causal", 1))
                .node("ReduceSum", "kr", List.of("kk", "ax")).node("ReduceSum", "vr", List.of("vv", "ax"))
                .node("Add", "akr", List.of("a", "kr")).node("Add", "y", List.of("akr", "vr")), 23);
        add("Attention constant keys and values, cross", x4, n, 3e-3, b -> b.random("k", rnd(), 0.7, 2, 2, 5, 4)
                .random("v", rnd(), 0.7, 2, 2, 5, 3).node("Attention", "y", List.of("x", "k", "v")), 23);
        add("Attention values only from the input", x4, n, 3e-3, b -> b.random("q", rnd(), 0.7, 2, 2, 3, 4)
                .random("k", rnd(), 0.7, 2, 2, 3, 4).node("Attention", "y", List.of("q", "k", "x")), 23);
        add("Attention softcap", x4, n, 3e-3, b -> kv(b, 4, 4)
                .node("Attention", "y", List.of("x", "k", "v"), Attr.f("softcap", 2f), Attr.f("scale", 1f)), 23);
    }

    /** K = x wk and V = x wv, linear maps of the input's last axis ({@code d} to {@code kd}). */
    private static ModelBuilder kv(ModelBuilder b, long d, long kd) {
        return b.random("wk", rnd(), 0.7, d, kd).random("wv", rnd(), 0.7, d, kd)
                .node("MatMul", "k", List.of("x", "wk")).node("MatMul", "v", List.of("x", "wv"));
    }

    /**
     * The blocked ReLU mask (Tanh of 2^126 y) is exact: 0 at y = 0 and 1 for every normal float from 1.2e-37 up to
     * infinity, like the Greater + Cast mask it replaces.
     */
    @Test
    void blockedReluMaskIsExact() {
        float[] values = {0f, -0f, -1f, -Float.MAX_VALUE, 1.2e-37f, 1e-30f, 1e-10f, 0.5f, 1f, 3f, 1e10f, 1e30f,
            Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 2e-37f};
        long[] dims = {1, 8, 2, 1};
        float[] x = new float[16];
        System.arraycopy(values, 0, x, 0, 16);
        ModelProto m = ModelBuilder.opset(17).input("x", dims).node("Relu", "y", List.of("x")).output("y").build();
        CompiledGraph cg = GradCheck.compile(m, dims, GradientMode.STANDARD);
        float[] seed = new float[16];
        Arrays.fill(seed, 3f);
        try (OrtRunner ort = new OrtRunner(cg.model())) {
            float[] g = ort.run(Map.of("x", x, GradientCompiler.SEED_INPUT, seed),
                    Map.of("x", dims, GradientCompiler.SEED_INPUT, dims), List.of(cg.inputGradient()))
                    .get(cg.inputGradient());
            for (int i = 0; i < 16; i++) {
                assertEquals(x[i] > 0 ? 3f : 0f, g[i], "x = " + x[i]);
            }
        }
    }

    /** Guided backpropagation and deconvnet override only ReLU-family units: the new activations keep their gradient. */
    @Test
    void newActivationsKeepStandardGradientsInGuidedModes() {
        long[] dims = {1, 2, 3, 4};
        float[] x = GradCheck.draw(new Random(3), 24, Inputs.awayFrom(1, 0.05));
        float[] seed = GradCheck.draw(new Random(4), 24, Inputs.normal());
        for (String op : List.of("Softsign", "Celu", "Mish", "ThresholdedRelu", "Softplus", "Selu")) {
            ModelProto m = ModelBuilder.opset(18).input("x", dims).node(op, "y", List.of("x")).output("y").build();
            float[] standard = null;
            for (GradientMode mode : List.of(GradientMode.STANDARD,
                    GradientMode.GUIDED, GradientMode.DECONVNET)) {
                CompiledGraph cg = GradCheck.compile(m, dims, mode);
                try (OrtRunner ort = new OrtRunner(cg.model())) {
                    float[] g = ort.run(Map.of("x", x, GradientCompiler.SEED_INPUT, seed),
                            Map.of("x", dims, GradientCompiler.SEED_INPUT, dims),
                            List.of(cg.inputGradient())).get(cg.inputGradient());
                    if (standard == null) {
                        standard = g;
                    } else {
                        assertArrayEquals(standard, g, 1e-6f, op + " " + mode);
                    }
                }
            }
        }
    }

    /** Variants without a rule fail at compile time, naming the op, the node and what is supported. */
    @Test
    void unsupportedVariantsFailAtCompileTime() {
        long[] x = {1, 2, 4, 5};
        List<ModelProto> models = List.of(
                ModelBuilder.opset(19).input("x", x).longs("p", 0, 0, 0, 6, 0, 0, 0, 0)
                        .node("Pad", "y", List.of("x", "p"), Attr.s("mode", "wrap")).output("y").build(),
                ModelBuilder.opset(17).input("x", x).longs("p", 0, 0, 4, 0, 0, 0, 0, 0)
                        .node("Pad", "y", List.of("x", "p"), Attr.s("mode", "reflect")).output("y").build(),
                ModelBuilder.opset(17).input("x", x).longs("p", 0, 0, -1, 0, 0, 0, 0, 0)
                        .node("Pad", "y", List.of("x", "p"), Attr.s("mode", "edge")).output("y").build(),
                ModelBuilder.opset(18).input("x", x).random("g", rnd(), 1, 2).random("bb", rnd(), 1, 2)
                        .node("GroupNormalization", "y", List.of("x", "g", "bb"), Attr.i("num_groups", 1))
                        .output("y").build(),
                roiAlign(x, Attr.s("mode", "max"), Attr.i("sampling_ratio", 2)),
                roiAlign(x, Attr.i("sampling_ratio", 0)));
        for (ModelProto m : models) {
            dev.gradcam.api.UnsupportedOperatorException e = assertThrows(
                    dev.gradcam.api.UnsupportedOperatorException.class,
                    () -> GradCheck.compile(m, x, GradientMode.STANDARD));
            String op = m.getGraph().getNode(0).getOpType();
            assertEquals(op, e.opType());
            assertTrue(e.getMessage().contains(m.getGraph().getNode(0).getName()),
                    e.getMessage());
        }
        // Attention's mask and qk_matmul_output are not differentiable: the node is named, and why.
        long[] qkv = {1, 2, 3, 3};
        ModelProto maskFromInput = ModelBuilder.opset(23).input("x", qkv)
                .node("Attention", "y", List.of("x", "x", "x", "x")).output("y").build();
        ModelProto scoresOut = ModelBuilder.opset(23).input("x", qkv)
                .node("Attention", List.of("x", "x", "x"), List.of("a", "", "", "y")).output("y").build();
        for (ModelProto m : List.of(maskFromInput, scoresOut)) {
            dev.gradcam.api.UnsupportedOperatorException e = assertThrows(
                    dev.gradcam.api.UnsupportedOperatorException.class,
                    () -> GradCheck.compile(m, qkv, GradientMode.STANDARD));
            assertEquals("Attention", e.opType());
            assertTrue(e.getMessage().contains(m.getGraph().getNode(0).getName())
                    && e.getMessage().contains(m == scoresOut ? "qk_matmul_output" : "attn_mask"), e.getMessage());
        }
        // ONNX Runtime's fused operators: the message says how to get a graph of standard operators.
        ModelProto plain = ModelBuilder.opset(17).input("x", x).node("Gelu", "y", List.of("x")).output("y").build();
        ModelProto fused = plain.toBuilder().setGraph(plain.getGraph().toBuilder().setNode(0,
                plain.getGraph().getNode(0).toBuilder().setDomain("com.microsoft"))).build();
        dev.gradcam.api.UnsupportedOperatorException e = assertThrows(
                dev.gradcam.api.UnsupportedOperatorException.class,
                () -> GradCheck.compile(fused, x, GradientMode.STANDARD));
        assertEquals("com.microsoft.Gelu", e.opType());
        assertTrue(e.getMessage().contains("Export the model without those optimisations"), e.getMessage());
        for (String op : List.of("Softsign", "Celu", "Mish", "ThresholdedRelu", "DepthToSpace", "SpaceToDepth",
                "ReduceL2", "ReduceLogSumExp", "GroupNormalization", "Upsample", "Tile", "Where", "Selu",
                "Softplus")) {
            assertTrue(BackwardRules.supportedOps().contains(op), op);
        }
    }

    private static ModelProto roiAlign(long[] x, AttributeProto... attrs) {
        return ModelBuilder.opset(17).input("x", x).floats("rois", new long[] {1, 4}, 0f, 0f, 3f, 2f)
                .init(Tensors.ofLongs("bi", new long[] {1}, new long[] {0}))
                .node("RoiAlign", "y", List.of("x", "rois", "bi"), attrs).output("y").build();
    }

    static Stream<Arguments> cases() {
        return CASES.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void gradientMatchesFiniteDifferences(Case c) {
        Random r = new Random(c.name().hashCode());
        GradCheck.check(c.name(), c.model(), c.xDims(), c.input().apply(r), c.eps(), r.nextLong());
    }
}
