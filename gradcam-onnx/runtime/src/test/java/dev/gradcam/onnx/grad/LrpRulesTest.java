package dev.gradcam.onnx.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.runtime.OnnxModel;
import dev.gradcam.onnx.runtime.OnnxOptions;
import dev.gradcam.onnx.testing.ModelBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The LRP rules of {@link LrpRules} on a small bias-free CNN built here (Conv 3x3 stride 1 -> ReLU -> MaxPool 2x2 ->
 * Conv 3x3 stride 2 -> ReLU -> GlobalAveragePool -> Flatten -> Gemm, or MatMul with a constant weight), run through
 * {@link OnnxModel} in float32:
 * <ul>
 *   <li>against an independent reference computed here in double precision with the textbook relevance formulas
 *       ({@code R_i = sum_j c_ij / z_j R_j}) on the layers written as dense matrices, at every layer and the input,
 *       per rule and input-layer rule, to 1e-4 relative L2 error;</li>
 *   <li>for conservation layer by layer: the relevance summed over each layer equals the relevance at the output
 *       ({@code logit * seed}), within 1% for epsilon -> 0 and to float precision for z+, alpha-beta and the
 *       input-layer rules (the reference confirms that no denominator is 0 on these inputs).</li>
 * </ul>
 */
class LrpRulesTest {

    private static final int N = 2;
    private static final int C = 3;
    private static final int H = 8;
    private static final int K1 = 4;
    private static final int K2 = 6;
    private static final int M = 5;
    private static final String[] TAPS = {"c1", "r1", "p1", "c2", "r2", "g", "f"};
    private static final double[] LOW = {-1.0, -1.1, -1.2};
    private static final double[] HIGH = {1.0, 1.1, 1.2};

    private final Random rnd = new Random(5);
    private final float[] w1 = normal(K1 * C * 9, 0.4);
    private final float[] w2 = normal(K2 * K1 * 9, 0.3);
    private final float[] w3 = normal(M * K2, 0.5);

    private float[] normal(int n, double scale) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) (rnd.nextGaussian() * scale);
        }
        return v;
    }

    private ModelProto model(boolean matMulHead) {
        ModelBuilder b = ModelBuilder.opset(17).input("x", -1, C, H, H)
                .floats("w1", new long[] {K1, C, 3, 3}, w1)
                .floats("w2", new long[] {K2, K1, 3, 3}, w2)
                .node("Conv", "c1", List.of("x", "w1"), Attr.ints("pads", 1, 1, 1, 1))
                .node("Relu", "r1", List.of("c1"))
                .node("MaxPool", "p1", List.of("r1"), Attr.ints("kernel_shape", 2, 2), Attr.ints("strides", 2, 2))
                .node("Conv", "c2", List.of("p1", "w2"), Attr.ints("pads", 1, 1, 1, 1), Attr.ints("strides", 2, 2))
                .node("Relu", "r2", List.of("c2"))
                .node("GlobalAveragePool", "g", List.of("r2"))
                .node("Flatten", "f", List.of("g"));
        if (matMulHead) {
            float[] t = new float[K2 * M];
            for (int j = 0; j < M; j++) {
                for (int i = 0; i < K2; i++) {
                    t[i * M + j] = w3[j * K2 + i];
                }
            }
            b.floats("w3t", new long[] {K2, M}, t).node("MatMul", "y", List.of("f", "w3t"));
        } else {
            b.floats("w3", new long[] {M, K2}, w3).node("Gemm", "y", List.of("f", "w3"), Attr.i("transB", 1));
        }
        return b.output("y").build();
    }

    private static OnnxModel load(ModelProto m) {
        return OnnxModel.of(m, "lrp-test", OnnxOptions.parse(Map.of("executionProvider", "cpu")));
    }

    /** Inputs inside the z-box bounds, a random seed (negative parts included). */
    private FloatTensor input() {
        float[] x = new float[N * C * H * H];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return FloatTensor.wrapOwned(Shape.of(N, C, H, H), x);
    }

    static Stream<Arguments> modes() {
        List<Arguments> out = new ArrayList<>();
        for (boolean matMul : new boolean[] {false, true}) {
            String head = matMul ? " (MatMul head)" : " (Gemm head)";
            out.add(Arguments.of("epsilon 0.01" + head, LrpModes.epsilon(0.01), matMul));
            out.add(Arguments.of("epsilon 0" + head, LrpModes.epsilon(0), matMul));
            out.add(Arguments.of("z+" + head, LrpModes.zPlus(), matMul));
            out.add(Arguments.of("alpha 2 beta 1" + head, LrpModes.alphaBeta(2, 1), matMul));
            out.add(Arguments.of("alpha 1 beta 0" + head, LrpModes.alphaBeta(1, 0), matMul));
        }
        out.add(Arguments.of("z+ / z-box per channel", LrpModes.zPlus()
                .withInputLayerRule(LrpModes.zBox(LOW, HIGH)), false));
        out.add(Arguments.of("epsilon / z-box", LrpModes.epsilon(0.01).withInputLayerRule(LrpModes.zBox(-1, 1)),
                false));
        out.add(Arguments.of("epsilon / flat", LrpModes.epsilon(0.01).withInputLayerRule(LrpModes.flat()), false));
        out.add(Arguments.of("alpha-beta / w-square", LrpModes.alphaBeta(2, 1)
                .withInputLayerRule(LrpModes.wSquare()), false));
        out.add(Arguments.of("epsilon / z+", LrpModes.epsilon(0.01).withInputLayerRule(LrpModes.zPlus()), true));
        out.add(Arguments.of("z+ / alpha-beta 2 1", LrpModes.zPlus()
                .withInputLayerRule(LrpModes.alphaBeta(2, 1)), false));
        return out.stream();
    }

    private PassResult run(OnnxModel m, FloatTensor x, GradientMode mode, Seed seed) {
        return m.run(PassRequest.builder(x).taps(List.of(TAPS)).inputGradient(true).mode(mode).seed(seed).build());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("modes")
    void relevanceMatchesTheDenseDoublePrecisionReference(String name, GradientMode mode, boolean matMul) {
        FloatTensor x = input();
        float[] seed = normal(N * M, 1);
        try (OnnxModel m = load(model(matMul))) {
            PassResult r = run(m, x, mode, new Seed.OfShape(s -> FloatTensor.of(s, seed)));
            Reference ref = new Reference(x, seed, mode);
            for (String tap : TAPS) {
                FloatTensor expected = ref.relevance.get(tap);
                FloatTensor actual = r.gradient(tap);
                double err = actual.reshape(expected.shape()).relativeError(expected);
                assertTrue(err <= 1e-4, name + ": relevance at " + tap + " off by " + err);
            }
            double err = r.inputGradient().orElseThrow().relativeError(ref.relevance.get("x"));
            assertTrue(err <= 1e-4, name + ": relevance at the input off by " + err);
        }
    }

    static Stream<Arguments> conserving() {
        return Stream.of(
                Arguments.of("epsilon 1e-9", LrpModes.epsilon(1e-9), 1e-2),
                Arguments.of("epsilon 0", LrpModes.epsilon(0), 1e-2),
                Arguments.of("z+", LrpModes.zPlus(), 1e-5),
                Arguments.of("alpha 2 beta 1", LrpModes.alphaBeta(2, 1), 1e-5),
                Arguments.of("alpha 3 beta 2", LrpModes.alphaBeta(3, 2), 1e-5),
                Arguments.of("z+ / z-box", LrpModes.zPlus().withInputLayerRule(LrpModes.zBox(LOW, HIGH)), 1e-5),
                Arguments.of("z+ / flat", LrpModes.zPlus().withInputLayerRule(LrpModes.flat()), 1e-5),
                Arguments.of("z+ / w-square", LrpModes.zPlus().withInputLayerRule(LrpModes.wSquare()), 1e-5));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conserving")
    void relevanceIsConservedLayerByLayer(String name, GradientMode mode, double tolerance) {
        FloatTensor x = input();
        int[] classes = {1, 3};
        try (OnnxModel m = load(model(false))) {
            Seed oneHot = new Seed.OfShape(s -> {
                float[] d = new float[N * M];
                for (int i = 0; i < N; i++) {
                    d[i * M + classes[i]] = 1;
                }
                return FloatTensor.wrapOwned(s, d);
            });
            PassResult r = run(m, x, mode, oneHot);
            Reference ref = new Reference(x, r.seed().orElseThrow().toArray(), mode);
            assertEquals(0, ref.zeroDenominators, "the reference met a zero denominator; choose other inputs");
            for (int i = 0; i < N; i++) {
                double out = r.output().slice(i).getFlat(classes[i]);
                List<String> layers = new ArrayList<>(List.of(TAPS));
                for (String tap : layers) {
                    double sum = r.gradient(tap).slice(i).sum();
                    assertTrue(Math.abs(sum - out) <= tolerance * Math.abs(out), name + ", image " + i + ": "
                            + "relevance at " + tap + " sums to " + sum + ", the output's is " + out);
                }
                double atInput = r.inputGradient().orElseThrow().slice(i).sum();
                assertTrue(Math.abs(atInput - out) <= tolerance * Math.abs(out), name + ", image " + i
                        + ": relevance at the input sums to " + atInput + ", the output's is " + out);
            }
        }
    }

    @org.junit.jupiter.api.Test
    void rulesThatCannotApplyAreRejected() {
        FloatTensor x = input();
        try (OnnxModel m = load(model(false))) {
            Seed top = new Seed.TopClass();
            assertThrows(InvalidInputException.class, () -> run(m, x, LrpModes.flat(), top),
                    "an input-layer-only rule as the main rule");
            assertThrows(InvalidInputException.class, () -> run(m, x,
                    new GradientMode(LrpModes.EPSILON, Map.of("epsilon", -1.0)), top), "a negative epsilon");
            assertThrows(InvalidInputException.class, () -> run(m, x,
                    new GradientMode(LrpModes.ALPHA_BETA, Map.of("alpha", 2.0, "beta", 2.0)), top),
                    "alpha - beta != 1");
            assertThrows(InvalidInputException.class, () -> run(m, x, LrpModes.zPlus()
                    .withInputLayerRule(LrpModes.zBox(new double[] {0, 0}, new double[] {1, 1})), top),
                    "z-box bounds for 2 channels on a 3-channel input");
        }
        // The input goes through a normalisation before the first convolution: no layer for the input rule.
        ModelProto pre = ModelBuilder.opset(17).input("x", -1, C, H, H)
                .floats("mean", new long[] {1, C, 1, 1}, 0.1f, 0.2f, 0.3f)
                .floats("w1", new long[] {K1, C, 3, 3}, w1).floats("w3", new long[] {M, K1}, normal(M * K1, 1))
                .node("Sub", "s", List.of("x", "mean"))
                .node("Conv", "c1", List.of("s", "w1"), Attr.ints("pads", 1, 1, 1, 1))
                .node("GlobalAveragePool", "g", List.of("c1")).node("Flatten", "f", List.of("g"))
                .node("Gemm", "y", List.of("f", "w3"), Attr.i("transB", 1)).output("y").build();
        try (OnnxModel m = load(pre)) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> m.run(PassRequest.builder(x)
                    .inputGradient(true).mode(LrpModes.zPlus().withInputLayerRule(LrpModes.zBox(-1, 1)))
                    .seed(new Seed.TopClass()).build()));
            assertTrue(e.getMessage().contains("Sub"), e.getMessage());
            // Without an input-layer rule the same model is fine.
            PassResult r = m.run(PassRequest.builder(x).inputGradient(true).mode(LrpModes.zPlus())
                    .seed(new Seed.TopClass()).build());
            assertTrue(r.inputGradient().orElseThrow().allFinite());
        }
    }

    // ---- the reference ----------------------------------------------------------------------------------------

    /** A bias-free linear layer of one image as a dense matrix [out][in], with its connectivity. */
    private record Dense(double[][] w, boolean[][] connected) {
        int out() {
            return w.length;
        }

        int in() {
            return w[0].length;
        }

        double[] apply(double[] a) {
            double[] z = new double[out()];
            for (int j = 0; j < out(); j++) {
                for (int i = 0; i < in(); i++) {
                    z[j] += w[j][i] * a[i];
                }
            }
            return z;
        }
    }

    /** Conv of [c, h, h] with weights [k, c, 3, 3], padding 1, the given stride, as a dense matrix. */
    private static Dense conv(float[] wt, int k, int c, int h, int stride) {
        int ho = (h + 2 - 3) / stride + 1;
        double[][] w = new double[k * ho * ho][c * h * h];
        boolean[][] conn = new boolean[k * ho * ho][c * h * h];
        for (int q = 0; q < k; q++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < ho; ox++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int dy = 0; dy < 3; dy++) {
                            for (int dx = 0; dx < 3; dx++) {
                                int iy = oy * stride - 1 + dy;
                                int ix = ox * stride - 1 + dx;
                                if (iy >= 0 && iy < h && ix >= 0 && ix < h) {
                                    int j = (q * ho + oy) * ho + ox;
                                    int i = (ch * h + iy) * h + ix;
                                    w[j][i] = wt[((q * c + ch) * 3 + dy) * 3 + dx];
                                    conn[j][i] = true;
                                }
                            }
                        }
                    }
                }
            }
        }
        return new Dense(w, conn);
    }

    /** Textbook LRP on one image at a time, in double precision. */
    private final class Reference {
        final Map<String, FloatTensor> relevance = new LinkedHashMap<>();
        int zeroDenominators;

        Reference(FloatTensor x, float[] seed, GradientMode mode) {
            Dense d1 = conv(w1, K1, C, H, 1);
            Dense d2 = conv(w2, K2, K1, H / 2, 2);
            double[][] fc = new double[M][K2];
            for (int j = 0; j < M; j++) {
                for (int i = 0; i < K2; i++) {
                    fc[j][i] = w3[j * K2 + i];
                }
            }
            boolean[][] all = new boolean[M][K2];
            for (boolean[] row : all) {
                java.util.Arrays.fill(row, true);
            }
            Dense d3 = new Dense(fc, all);
            GradientMode inputRule = mode.inputLayer().orElse(mode);
            int s1 = K1 * H * H;
            int hp = H / 2;
            int sp = K1 * hp * hp;
            int s2 = d2.out();
            int hw2 = s2 / K2;
            Map<String, double[]> rel = new LinkedHashMap<>();
            for (String t : List.of("x", "c1", "r1", "p1", "c2", "r2", "g", "f")) {
                rel.put(t, new double[0]);
            }
            Map<String, List<double[]>> perImage = new LinkedHashMap<>();
            for (int n = 0; n < N; n++) {
                double[] xi = new double[C * H * H];
                for (int i = 0; i < xi.length; i++) {
                    xi[i] = x.slice(n).getFlat(i);
                }
                double[] c1 = d1.apply(xi);
                double[] r1 = relu(c1);
                double[] p1 = new double[sp];
                int[] arg = new int[sp];
                for (int q = 0; q < K1; q++) {
                    for (int oy = 0; oy < hp; oy++) {
                        for (int ox = 0; ox < hp; ox++) {
                            int o = (q * hp + oy) * hp + ox;
                            p1[o] = Double.NEGATIVE_INFINITY;
                            for (int dy = 0; dy < 2; dy++) {
                                for (int dx = 0; dx < 2; dx++) {
                                    int i = (q * H + 2 * oy + dy) * H + 2 * ox + dx;
                                    if (r1[i] > p1[o]) {
                                        p1[o] = r1[i];
                                        arg[o] = i;
                                    }
                                }
                            }
                        }
                    }
                }
                double[] c2 = d2.apply(p1);
                double[] r2 = relu(c2);
                double[] g = new double[K2];
                for (int i = 0; i < s2; i++) {
                    g[i / hw2] += r2[i] / hw2;
                }
                double[] y = d3.apply(g);
                double[] ry = new double[M];
                for (int j = 0; j < M; j++) {
                    ry[j] = y[j] * seed[n * M + j];
                }
                double[] rg = linear(mode, d3, g, y, ry);
                // Global average pooling passes relevance on in proportion to the values it averages.
                double[] rr2 = new double[s2];
                for (int i = 0; i < s2; i++) {
                    double total = g[i / hw2] * hw2;
                    rr2[i] = total == 0 ? 0 : r2[i] / total * rg[i / hw2];
                }
                double[] rc2 = rr2.clone(); // ReLU: relevance unchanged
                double[] rp1 = linear(mode, d2, p1, c2, rc2);
                double[] rr1 = new double[s1];
                for (int o = 0; o < sp; o++) {
                    rr1[arg[o]] += rp1[o]; // max pooling: winner takes all
                }
                double[] rc1 = rr1.clone();
                double[] rx = linear(inputRule, d1, xi, c1, rc1);
                List<double[]> parts = List.of(rx, rc1, rr1, rp1, rc2, rr2, rg, rg);
                int k = 0;
                for (String t : rel.keySet()) {
                    perImage.computeIfAbsent(t, u -> new ArrayList<>()).add(parts.get(k++));
                }
            }
            Map<String, Shape> shapes = Map.of("x", Shape.of(N, C, H, H), "c1", Shape.of(N, K1, H, H),
                    "r1", Shape.of(N, K1, H, H), "p1", Shape.of(N, K1, hp, hp), "c2", Shape.of(N, K2, 2, 2),
                    "r2", Shape.of(N, K2, 2, 2), "g", Shape.of(N, K2, 1, 1), "f", Shape.of(N, K2));
            for (var e : perImage.entrySet()) {
                int size = e.getValue().get(0).length;
                float[] flat = new float[N * size];
                for (int n = 0; n < N; n++) {
                    for (int i = 0; i < size; i++) {
                        flat[n * size + i] = (float) e.getValue().get(n)[i];
                    }
                }
                relevance.put(e.getKey(), FloatTensor.wrapOwned(shapes.get(e.getKey()), flat));
            }
        }

        private double[] relu(double[] v) {
            double[] r = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                r[i] = Math.max(v[i], 0);
            }
            return r;
        }

        /** {@code R_i = sum_j c_ij / den_j R_j} for the rule's contributions {@code c_ij} and denominators. */
        private double[] linear(GradientMode rule, Dense d, double[] a, double[] z, double[] rz) {
            double[] r = new double[d.in()];
            switch (rule.name()) {
                case LrpModes.EPSILON -> {
                    double eps = rule.param("epsilon", LrpModes.DEFAULT_EPSILON);
                    for (int j = 0; j < d.out(); j++) {
                        double den = z[j] + eps * (z[j] >= 0 ? 1 : -1);
                        if (den == 0) {
                            zeroDenominators += rz[j] != 0 ? 1 : 0;
                            continue;
                        }
                        for (int i = 0; i < d.in(); i++) {
                            r[i] += a[i] * d.w()[j][i] / den * rz[j];
                        }
                    }
                }
                case LrpModes.Z_PLUS, LrpModes.ALPHA_BETA -> {
                    double alpha = rule.name().equals(LrpModes.Z_PLUS) ? 1 : rule.param("alpha", 2);
                    double beta = rule.name().equals(LrpModes.Z_PLUS) ? 0 : rule.param("beta", 1);
                    for (int j = 0; j < d.out(); j++) {
                        double zp = 0;
                        double zn = 0;
                        for (int i = 0; i < d.in(); i++) {
                            double c = a[i] * d.w()[j][i];
                            zp += Math.max(c, 0);
                            zn += Math.min(c, 0);
                        }
                        zeroDenominators += zp == 0 && rz[j] != 0 ? 1 : 0;
                        zeroDenominators += beta != 0 && zn == 0 && rz[j] != 0 ? 1 : 0;
                        for (int i = 0; i < d.in(); i++) {
                            double c = a[i] * d.w()[j][i];
                            r[i] += (zp == 0 ? 0 : alpha * Math.max(c, 0) / zp * rz[j])
                                    - (zn == 0 ? 0 : beta * Math.min(c, 0) / zn * rz[j]);
                        }
                    }
                }
                case LrpModes.Z_BOX -> {
                    int plane = d.in() / C;
                    for (int j = 0; j < d.out(); j++) {
                        double[] c = new double[d.in()];
                        double zb = 0;
                        for (int i = 0; i < d.in(); i++) {
                            double w = d.w()[j][i];
                            double lo = LrpModes.lowerBound(rule, i / plane);
                            double hi = LrpModes.upperBound(rule, i / plane);
                            c[i] = a[i] * w - lo * Math.max(w, 0) - hi * Math.min(w, 0);
                            zb += c[i];
                        }
                        zeroDenominators += zb == 0 && rz[j] != 0 ? 1 : 0;
                        for (int i = 0; i < d.in(); i++) {
                            r[i] += zb == 0 ? 0 : c[i] / zb * rz[j];
                        }
                    }
                }
                case LrpModes.FLAT, LrpModes.W_SQUARE -> {
                    boolean flat = rule.name().equals(LrpModes.FLAT);
                    for (int j = 0; j < d.out(); j++) {
                        double den = 0;
                        for (int i = 0; i < d.in(); i++) {
                            den += flat ? (d.connected()[j][i] ? 1 : 0) : d.w()[j][i] * d.w()[j][i];
                        }
                        zeroDenominators += den == 0 && rz[j] != 0 ? 1 : 0;
                        for (int i = 0; i < d.in(); i++) {
                            double c = flat ? (d.connected()[j][i] ? 1 : 0) : d.w()[j][i] * d.w()[j][i];
                            r[i] += den == 0 ? 0 : c / den * rz[j];
                        }
                    }
                }
                default -> throw new IllegalArgumentException(rule.describe());
            }
            return r;
        }
    }
}
