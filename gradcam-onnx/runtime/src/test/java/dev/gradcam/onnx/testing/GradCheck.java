package dev.gradcam.onnx.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.testing.FiniteDifferences;
import dev.gradcam.onnx.grad.CompiledGraph;
import dev.gradcam.onnx.grad.GradientCompiler;
import dev.gradcam.onnx.grad.GradientSpec;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;

/**
 * Checks the compiled input gradient of a one-input model against central finite differences of
 * L(x) = sum(seed * y(x)), in float32 on ONNX Runtime: along random directions and at single coordinates.
 */
public final class GradCheck {

    private GradCheck() {
    }

    /** How inputs are drawn; {@code shape} maps a standard normal sample (kink avoidance, positivity). */
    public record Inputs(DoubleUnaryOperator shape) {
        public static Inputs normal() {
            return new Inputs(v -> v);
        }

        /** Normal values pushed at least {@code margin} away from {@code kink}. */
        public static Inputs awayFrom(double kink, double margin) {
            return new Inputs(v -> kink + (v >= 0 ? v + margin : v - margin));
        }

        /** Positive values in [lo, lo + |v|]. */
        public static Inputs positive(double lo) {
            return new Inputs(v -> lo + Math.abs(v));
        }
    }

    /** Draws an input with all values distinct by at least {@code gap} (for max-style ops). */
    public static float[] distinct(Random rnd, int n, double gap) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            order.add(i);
        }
        java.util.Collections.shuffle(order, rnd);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) ((order.get(i) - n / 2.0) * gap);
        }
        return x;
    }

    public static float[] draw(Random rnd, int n, Inputs inputs) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) inputs.shape().applyAsDouble(rnd.nextGaussian());
        }
        return x;
    }

    /** Compiles the input gradient of output 0 with a fed seed. */
    public static CompiledGraph compile(ModelProto model, long[] xDims, GradientMode mode) {
        Shapes shapes = ShapeInference.infer(Graph.of(model), Map.of("x", xDims));
        String out = model.getGraph().getOutput(0).getName();
        return GradientCompiler.compile(shapes, new GradientSpec(out, List.of(), true, mode,
                GradientSpec.SeedSource.FED));
    }

    /** Runs the check; fails with a description of the worst mismatch. */
    public static void check(String name, ModelProto model, long[] xDims, float[] x, double eps, long seed) {
        CompiledGraph cg = compile(model, xDims, GradientMode.STANDARD);
        Random rnd = new Random(seed);
        long[] yDims = ShapeInference.infer(Graph.of(model), Map.of("x", xDims))
                .dims(model.getGraph().getOutput(0).getName());
        float[] s = draw(rnd, (int) Tensors.count(yDims), Inputs.normal());
        try (OrtRunner ort = new OrtRunner(cg.model())) {
            Map<String, long[]> dims = Map.of("x", xDims, GradientCompiler.SEED_INPUT, yDims);
            Map<String, float[]> r = ort.run(Map.of("x", x, GradientCompiler.SEED_INPUT, s), dims,
                    List.of(cg.output(), cg.inputGradient()));
            float[] gx = r.get(cg.inputGradient());
            double gnorm = norm(gx);
            assertTrue(allFinite(gx), name + ": gradient has non-finite values");
            java.util.function.Function<float[], Double> loss = xp -> {
                float[] y = ort.run(Map.of("x", xp, GradientCompiler.SEED_INPUT, s), dims, List.of(cg.output()))
                        .get(cg.output());
                double acc = 0;
                for (int i = 0; i < y.length; i++) {
                    acc += (double) s[i] * y[i];
                }
                return acc;
            };
            for (int d = 0; d < 2; d++) {
                float[] v = draw(rnd, x.length, Inputs.normal());
                double fd = FiniteDifferences.central(h -> loss.apply(axpy(x, v, h)), eps);
                double an = 0;
                for (int i = 0; i < x.length; i++) {
                    an += (double) gx[i] * v[i];
                }
                double tol = 1e-2 * (Math.abs(an) + 0.2 * gnorm) + 1e-3;
                assertTrue(Math.abs(fd - an) <= tol, name + ": directional derivative " + an + " vs finite "
                        + "difference " + fd + " (|gx|=" + gnorm + ", tol " + tol + ")");
            }
            double gmax = 0;
            int argmax = 0;
            for (int i = 0; i < gx.length; i++) {
                if (Math.abs(gx[i]) > gmax) {
                    gmax = Math.abs(gx[i]);
                    argmax = i;
                }
            }
            int[] coords = {argmax, rnd.nextInt(x.length), rnd.nextInt(x.length), rnd.nextInt(x.length)};
            for (int i : coords) {
                float[] e = new float[x.length];
                e[i] = 1;
                double fd = FiniteDifferences.central(h -> loss.apply(axpy(x, e, h)), eps);
                double tol = 1e-2 * Math.abs(gx[i]) + 5e-3 * gmax + 1e-3;
                assertTrue(Math.abs(fd - gx[i]) <= tol, name + ": d/dx[" + i + "] = " + gx[i] + " vs finite "
                        + "difference " + fd + " (max |gx| " + gmax + ")");
            }
        }
    }

    static float[] axpy(float[] x, float[] v, double a) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] + a * v[i]);
        }
        return out;
    }

    public static double norm(float[] a) {
        double s = 0;
        for (float v : a) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    static boolean allFinite(float[] a) {
        for (float v : a) {
            if (!Float.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
