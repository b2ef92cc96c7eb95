package dev.gradcam.onnx.grad;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.graph.Shapes;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.testing.GradCheck;
import dev.gradcam.onnx.testing.GradCheck.Inputs;
import dev.gradcam.onnx.testing.OrtRunner;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The backward of every backward rule: each case of {@link BackwardRuleTest} compiled to second order, with the
 * input {@code x} as the tap, and its Hessian-vector product {@code H x} of {@code L = sum(s * y(x))} checked against
 * central finite differences of the compiled first-order gradient, {@code (g(x + h x) - g(x - h x)) / 2h}, and its
 * output tangent {@code J x} against {@code (y(x + h x) - y(x - h x)) / 2h}. Float32 on ONNX Runtime.
 */
class SecondOrderRuleTest {

    private static final double H = 1e-3;

    static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> cases() {
        return BackwardRuleTest.cases();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("cases")
    void hessianVectorProductMatchesFiniteDifferences(BackwardRuleTest.Case c) {
        // RoiAlign's boxes are constants of the first-order pass; computed from the input, their sampling arithmetic
        // (Floor) lies in the backward graph, which second order would differentiate: refused by name, not checked.
        org.junit.jupiter.api.Assumptions.assumeFalse(c.name().startsWith("RoiAlign with boxes computed"),
                "second order through boxes computed from the input is not supported");
        Random r = new Random(c.name().hashCode());
        float[] x = c.input().apply(r);
        Shapes shapes = ShapeInference.infer(Graph.of(c.model()), Map.of("x", c.xDims()));
        String out = c.model().getGraph().getOutput(0).getName();
        long[] yDims = shapes.dims(out);
        CompiledGraph cg = GradientCompiler.compile(shapes, new GradientSpec(out, List.of("x"), false,
                GradientMode.STANDARD, GradientSpec.SeedSource.FED, List.of(), null, true));
        float[] s = GradCheck.draw(r, (int) Tensors.count(yDims), Inputs.normal());
        Map<String, long[]> dims = Map.of("x", c.xDims(), GradientCompiler.SEED_INPUT, yDims);
        String grad = cg.gradients().get("x");
        String hvp = cg.hessianProducts().get("x");
        String tangent = cg.outputTangents().get("x");
        try (OrtRunner ort = new OrtRunner(cg.model())) {
            Map<String, float[]> at = ort.run(Map.of("x", x, GradientCompiler.SEED_INPUT, s), dims,
                    List.of(grad, hvp, tangent));
            // The step is relative to x, along x itself: kinks stay where they were for ops that keep a sign.
            Map<String, float[]> plus = ort.run(Map.of("x", scaled(x, 1 + H), GradientCompiler.SEED_INPUT, s), dims,
                    List.of(grad, out));
            Map<String, float[]> minus = ort.run(Map.of("x", scaled(x, 1 - H), GradientCompiler.SEED_INPUT, s),
                    dims, List.of(grad, out));
            compare(c.name() + ": H x", at.get(hvp), plus.get(grad), minus.get(grad), at.get(grad));
            compare(c.name() + ": J x", at.get(tangent), plus.get(out), minus.get(out), null);
        }
    }

    private static void compare(String what, float[] analytic, float[] plus, float[] minus, float[] scale) {
        double[] fd = new double[analytic.length];
        double err = 0;
        double norm = 0;
        for (int i = 0; i < analytic.length; i++) {
            fd[i] = ((double) plus[i] - minus[i]) / (2 * H);
            err = Math.max(err, Math.abs(fd[i] - analytic[i]));
            norm = Math.max(norm, Math.abs(fd[i]));
        }
        double ref = scale == null ? 0 : maxAbs(scale);
        double tol = 2e-2 * Math.max(norm, maxAbs(analytic)) + 2e-3 * ref + 1e-3;
        assertTrue(err <= tol, what + ": max |analytic - finite difference| " + err + " > " + tol
                + " (max |fd| " + norm + ", max |analytic| " + maxAbs(analytic) + ")");
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static float[] scaled(float[] x, double f) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] * f);
        }
        return out;
    }
}
