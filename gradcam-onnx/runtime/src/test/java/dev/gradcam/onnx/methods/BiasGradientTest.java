package dev.gradcam.onnx.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.spi.BiasGradient;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.FiniteDifferences;
import dev.gradcam.onnx.grad.Attr;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.runtime.OnnxModel;
import dev.gradcam.onnx.runtime.OnnxOptions;
import dev.gradcam.onnx.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The ONNX backend's own bias gradients ({@link Capability#BIAS_GRADIENTS}, extra outputs of the compiled graph):
 * against {@link BiasGradientAdapter} (the same quantities derived from the graph and extra taps) on the 8 fixture
 * architectures, and on a small model with an unfused BatchNormalization against finite differences of the target
 * with respect to each bias, and the effective bias against the normalisation's output at a zero input. FullGrad
 * built on them is checked against PyTorch in {@link MethodReferenceTest}.
 */
class BiasGradientTest {

    private static final Map<String, String> CPU = Map.of("executionProvider", "cpu");

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.gradcam.onnx.methods.MethodReferenceTest#archs")
    void nativeBiasGradientsEqualTheTapDerivedOnes(String arch) {
        var file = MethodReferenceTest.resource("fixtures").resolve(arch + ".onnx");
        FloatTensor x = Npy.read(MethodReferenceTest.resource("fixtures").resolve(arch).resolve("input.npy"));
        try (OnnxModel model = OnnxModel.load(file, CPU)) {
            BiasGradientAdapter adapter = new BiasGradientAdapter(model, Graph.of(OnnxModelReader.read(file)));
            PassRequest request = PassRequest.builder(x).inputGradient(true).biasGradients(true)
                    .seed(new Seed.TopClass()).build();
            List<BiasGradient> expected = adapter.run(request).biasGradients();
            PassResult r = model.run(request);
            List<BiasGradient> actual = r.biasGradients();
            assertEquals(expected.stream().map(BiasGradient::layer).toList(),
                    actual.stream().map(BiasGradient::layer).toList(), arch + ": layers in topological order");
            assertFalse(actual.isEmpty());
            for (int i = 0; i < actual.size(); i++) {
                BiasGradient a = actual.get(i);
                BiasGradient e = expected.get(i);
                assertTrue(a.bias().relativeError(e.bias()) <= 1e-6, arch + " " + a.layer() + ": bias");
                assertTrue(a.gradient().relativeError(e.gradient()) <= 1e-5, arch + " " + a.layer() + ": gradient "
                        + a.gradient().relativeError(e.gradient()));
            }
            assertTrue(r.inputGradient().isPresent());
        }
    }

    // ---- a small model with an unfused batch normalisation ---------------------------------------------------

    private static final Random RND = new Random(3);
    private static final float[] SCALE = values(3, 1, 0.5);
    private static final float[] BETA = values(3, 0.5, 0);
    private static final float[] MEAN = values(3, 0.5, 0);
    private static final float[] VAR = values(3, 0.3, 1);
    private static final float[] W1 = values(4 * 3 * 9, 0.4, 0);
    private static final float[] B1 = values(4, 0.3, 0);
    private static final float[] W2 = values(5 * 4 * 9, 0.3, 0);
    private static final float[] B2 = values(5, 0.3, 0);
    private static final float[] W3 = values(3 * 5, 0.5, 0);

    /** Normal values times {@code scale}; with a positive {@code offset}, {@code offset + |normal| * scale}. */
    private static float[] values(int n, double scale, double offset) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            double g = RND.nextGaussian();
            v[i] = (float) (offset > 0 ? offset + Math.abs(g) * scale : g * scale);
        }
        return v;
    }

    /** x -> BatchNormalization -> Conv(+b1) -> Relu -> Conv stride 2 (+b2) -> Relu -> GAP -> Flatten -> Gemm. */
    private static ModelProto model(float[] beta, float[] b1, float[] b2, boolean biases) {
        ModelBuilder m = ModelBuilder.opset(17).input("x", -1, 3, 6, 6)
                .floats("w1", new long[] {4, 3, 3, 3}, W1).floats("w2", new long[] {5, 4, 3, 3}, W2)
                .floats("w3", new long[] {3, 5}, W3);
        String first = "x";
        if (biases) {
            m.floats("scale", new long[] {3}, SCALE).floats("beta", new long[] {3}, beta)
                    .floats("mean", new long[] {3}, MEAN).floats("var", new long[] {3}, VAR)
                    .floats("b1", new long[] {4}, b1).floats("b2", new long[] {5}, b2)
                    .node("BatchNormalization", "bn", List.of("x", "scale", "beta", "mean", "var"),
                            Attr.f("epsilon", 1e-3f));
            first = "bn";
        }
        return m.node("Conv", "c1", biases ? List.of(first, "w1", "b1") : List.of(first, "w1"),
                        Attr.ints("pads", 1, 1, 1, 1))
                .node("Relu", "r1", List.of("c1"))
                .node("Conv", "c2", biases ? List.of("r1", "w2", "b2") : List.of("r1", "w2"),
                        Attr.ints("pads", 1, 1, 1, 1), Attr.ints("strides", 2, 2))
                .node("Relu", "r2", List.of("c2")).node("GlobalAveragePool", "g", List.of("r2"))
                .node("Flatten", "f", List.of("g")).node("Gemm", "y", List.of("f", "w3"), Attr.i("transB", 1))
                .output("y").build();
    }

    private static OnnxModel load(ModelProto m) {
        return OnnxModel.of(m, "bias-test", OnnxOptions.parse(CPU));
    }

    private static final FloatTensor X = input();
    private static final float[] SEED = {0.7f, -1.2f, 0.4f};

    private static FloatTensor input() {
        Random r = new Random(9);
        float[] d = new float[3 * 36];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(Shape.of(1, 3, 6, 6), d);
    }

    private static double target(ModelProto m) {
        try (OnnxModel model = load(m)) {
            FloatTensor y = model.forward(X);
            double t = 0;
            for (int i = 0; i < SEED.length; i++) {
                t += SEED[i] * y.getFlat(i);
            }
            return t;
        }
    }

    private static float[] bumped(float[] v, int c, double h) {
        float[] out = v.clone();
        out[c] += (float) h;
        return out;
    }

    @Test
    void biasGradientsMatchFiniteDifferencesAndTheEffectiveBiasIsTheNormalisationAtZero() {
        try (OnnxModel model = load(model(BETA, B1, B2, true))) {
            assertTrue(model.capabilities().contains(Capability.BIAS_GRADIENTS));
            PassResult r = model.run(PassRequest.builder(X).inputGradient(true).biasGradients(true)
                    .seed(new Seed.OfShape(s -> FloatTensor.of(s, SEED))).build());
            List<BiasGradient> bg = r.biasGradients();
            assertEquals(List.of("bn", "c1", "c2"), bg.stream().map(BiasGradient::layer).toList());
            // The effective bias of a batch normalisation is its output for a zero input.
            FloatTensor atZero = model.run(PassRequest.builder(FloatTensor.zeros(X.shape())).tap("bn").build())
                    .activation("bn");
            for (int c = 0; c < 3; c++) {
                assertEquals(atZero.get(0, c, 2, 3), bg.get(0).bias().getFlat(c), 1e-6);
            }
            assertEquals(FloatTensor.of(Shape.of(4), B1), bg.get(1).bias());
            assertEquals(FloatTensor.of(Shape.of(5), B2), bg.get(2).bias());
            // d target / d b_c = sum over positions of the gradient at the layer output (b_c enters every position).
            double h = 1e-3;
            for (int layer = 0; layer < 3; layer++) {
                int channels = bg.get(layer).bias().size();
                for (int c = 0; c < channels; c++) {
                    int l = layer;
                    int ch = c;
                    java.util.function.DoubleFunction<ModelProto> at = d -> model(
                            l == 0 ? bumped(BETA, ch, d) : BETA, l == 1 ? bumped(B1, ch, d) : B1,
                            l == 2 ? bumped(B2, ch, d) : B2, true);
                    double numeric = FiniteDifferences.central(d -> target(at.apply(d)), h);
                    double analytic = bg.get(layer).gradient().slice(0).slice(c).sum();
                    assertEquals(numeric, analytic, 1e-2 * Math.abs(numeric) + 2e-4,
                            bg.get(layer).layer() + " channel " + c);
                }
            }
            // Bias gradients are gradients: not in the LRP modes.
            assertThrows(InvalidInputException.class, () -> model.run(PassRequest.builder(X).biasGradients(true)
                    .mode(LrpModes.zPlus()).seed(new Seed.TopClass()).build()));
        }
    }

    @Test
    void aModelWithoutBiasLayersDoesNotOfferThem() {
        try (OnnxModel model = load(model(BETA, B1, B2, false))) {
            assertFalse(model.capabilities().contains(Capability.BIAS_GRADIENTS));
            assertThrows(UnsupportedCapabilityException.class, () -> model.run(PassRequest.builder(X)
                    .biasGradients(true).seed(new Seed.TopClass()).build()));
        }
    }
}
