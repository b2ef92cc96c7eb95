package dev.gradcam.api.spi;

import static dev.gradcam.api.testing.Tensors.dot;
import static dev.gradcam.api.testing.Tensors.gaussian;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ResourceClosedException;
import dev.gradcam.api.UnknownLayerException;
import dev.gradcam.api.UnknownOutputException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.FiniteDifferences;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link DifferentiableModel} must meet. A backend's test implements this interface and supplies a
 * model, an input and a layer; the default methods are the tests. Shipped in gradcam-api's test jar.
 *
 * <p>References are independent of the backend under test: the input gradient is checked against central finite
 * differences of the forward pass, the seed's linearity and batch independence are properties of exact
 * backpropagation, and head execution must reproduce the full forward output.
 */
public interface DifferentiableModelContract {

    /** A fresh model; the contract closes it. */
    DifferentiableModel createModel();

    /** A batch of {@code n} inputs the model accepts. */
    FloatTensor sampleInput(int n);

    /** A layer query (name or module path) with a 4-D activation after which the model is differentiable. */
    String tapLayer();

    /** Relative tolerance for float32 comparisons between passes. */
    default double tolerance() {
        return 1e-4;
    }

    /** Relative tolerance of the finite-difference check of the input gradient. */
    default double finiteDifferenceTolerance() {
        return 2e-2;
    }

    private static FloatTensor add(FloatTensor a, FloatTensor b) {
        float[] d = a.toArray();
        for (int i = 0; i < d.length; i++) {
            d[i] += b.getFlat(i);
        }
        return FloatTensor.wrapOwned(a.shape(), d);
    }

    private PassResult pass(DifferentiableModel m, FloatTensor x, String tap, FloatTensor seed, boolean inputGrad) {
        return m.run(PassRequest.builder(x).tap(tap).seed(new Seed.OfShape(s -> seed)).inputGradient(inputGrad)
                .build());
    }

    @Test
    default void describesItself() {
        try (DifferentiableModel m = createModel()) {
            assertFalse(m.backendName().isBlank(), "backend name");
            assertFalse(m.executionProvider().isBlank(), "execution provider");
            assertFalse(m.inputs().isEmpty(), "inputs");
            assertFalse(m.outputs().isEmpty(), "outputs");
            assertFalse(m.layers().isEmpty(), "layers");
            assertTrue(m.gradientModes().contains(GradientMode.STANDARD), "standard mode is always available");
            assertTrue(m.capabilities().contains(Capability.LAYER_GRADIENTS), "layer gradients");
            List<String> names = m.layers().stream().map(LayerInfo::name).toList();
            assertEquals(names.size(), new HashSet<>(names).size(), "layer names are unique");
        }
    }

    @Test
    default void resolvesTheTapAndRejectsUnknownLayersWithCandidates() {
        try (DifferentiableModel m = createModel()) {
            LayerInfo l = m.resolveLayer(tapLayer());
            assertTrue(m.layers().contains(l));
            UnknownLayerException e = assertThrows(UnknownLayerException.class,
                    () -> m.resolveLayer("no_such_layer_xyz"));
            assertFalse(e.nearest().isEmpty(), "unknown layer errors list candidates");
        }
    }

    @Test
    default void forwardKeepsTheBatchAndActivationsMatchTheLayerShape() {
        try (DifferentiableModel m = createModel()) {
            FloatTensor x = sampleInput(2);
            LayerInfo l = m.resolveLayer(tapLayer());
            PassResult r = m.run(PassRequest.builder(x).tap(l.name()).build());
            assertEquals(2, r.output().shape().dim(0), "batch axis of the output");
            FloatTensor a = r.activation(l.name());
            assertTrue(l.shape().accepts(a.shape()), "activation " + a.shape() + " fits " + l.shape());
            assertTrue(r.gradients().isEmpty(), "a forward pass computes no gradients");
            assertTrue(r.output().allFinite());
        }
    }

    @Test
    default void gradientsHaveTheActivationShapeAndAreLinearInTheSeed() {
        try (DifferentiableModel m = createModel()) {
            FloatTensor x = sampleInput(2);
            String tap = m.resolveLayer(tapLayer()).name();
            Shape out = m.forward(x).shape();
            FloatTensor s1 = gaussian(out, 1);
            FloatTensor s2 = gaussian(out, 2);
            FloatTensor g1 = pass(m, x, tap, s1, false).gradient(tap);
            FloatTensor g2 = pass(m, x, tap, s2, false).gradient(tap);
            PassResult both = pass(m, x, tap, add(s1, s2), false);
            assertEquals(both.activation(tap).shape(), both.gradient(tap).shape());
            assertTrue(g1.norm() > 0, "a random seed gives a non-zero gradient");
            double err = both.gradient(tap).relativeError(add(g1, g2));
            assertTrue(err < tolerance(), "backpropagation is linear in the seed; relative error " + err);
        }
    }

    @Test
    default void inputGradientMatchesFiniteDifferences() {
        try (DifferentiableModel m = createModel()) {
            assumeTrue(m.capabilities().contains(Capability.INPUT_GRADIENT));
            FloatTensor x = sampleInput(1);
            String tap = m.resolveLayer(tapLayer()).name();
            FloatTensor seed = gaussian(m.forward(x).shape(), 3);
            FloatTensor gx = pass(m, x, tap, seed, true).inputGradient().orElseThrow();
            assertEquals(x.shape(), gx.shape());
            double gNorm = gx.norm();
            assertTrue(gNorm > 0, "a random seed gives a non-zero input gradient");
            // Along the gradient itself the directional derivative is largest (= |grad|), so float32 rounding of the
            // forward passes matters least there: the magnitude check.
            double along = directionalDerivative(m, x, seed, gx);
            assertTrue(Math.abs(along - gNorm) <= finiteDifferenceTolerance() * gNorm,
                    "input gradient norm " + gNorm + " vs finite difference along it " + along);
            // Along a random direction: the projection must agree too, to the same tolerance relative to |grad|.
            FloatTensor d = gaussian(x.shape(), 4);
            double numeric = directionalDerivative(m, x, seed, d);
            double analytic = dot(gx, d) / d.norm();
            assertTrue(Math.abs(numeric - analytic) <= finiteDifferenceTolerance() * gNorm,
                    "input gradient along a random direction: analytic " + analytic + " vs finite difference "
                            + numeric + " (|grad| " + gNorm + ")");
        }
    }

    /** Central difference of {@code <f(x), seed>} along the unit vector of {@code direction}. */
    private static double directionalDerivative(DifferentiableModel m, FloatTensor x, FloatTensor seed,
                                                FloatTensor direction) {
        return FiniteDifferences.directional(t -> dot(m.forward(t), seed), x, direction, 1e-2);
    }

    @Test
    default void imagesInABatchAreIndependent() {
        try (DifferentiableModel m = createModel()) {
            FloatTensor x = sampleInput(2);
            String tap = m.resolveLayer(tapLayer()).name();
            FloatTensor seed = gaussian(m.forward(x).shape(), 5);
            PassResult batch = pass(m, x, tap, seed, false);
            for (int i = 0; i < 2; i++) {
                FloatTensor xi = x.slice(i).reshape(x.shape().withDim(0, 1));
                FloatTensor si = seed.slice(i).reshape(seed.shape().withDim(0, 1));
                PassResult single = pass(m, xi, tap, si, false);
                assertTrue(single.activation(tap).slice(0).relativeError(batch.activation(tap).slice(i))
                        < tolerance(), "activations of image " + i);
                assertTrue(single.gradient(tap).slice(0).relativeError(batch.gradient(tap).slice(i))
                        < tolerance(), "gradients of image " + i);
            }
        }
    }

    @Test
    default void seedKindsAgree() {
        try (DifferentiableModel m = createModel()) {
            FloatTensor x = sampleInput(2);
            String tap = m.resolveLayer(tapLayer()).name();
            FloatTensor out = m.forward(x);
            assumeTrue(out.shape().rank() == 2, "top-class seeds need [N, classes] outputs");
            FloatTensor oneHot = new Seed.TopClass().resolve(out);
            FloatTensor viaShape = pass(m, x, tap, oneHot, false).gradient(tap);
            FloatTensor viaTop = m.run(PassRequest.builder(x).tap(tap).seed(new Seed.TopClass()).build())
                    .gradient(tap);
            FloatTensor viaOutput = m.run(PassRequest.builder(x).tap(tap)
                    .seed(new Seed.OfOutput(o -> new Seed.TopClass().resolve(o))).build()).gradient(tap);
            assertTrue(viaTop.relativeError(viaShape) < tolerance(), "TopClass == OfShape(one-hot of argmax)");
            assertTrue(viaOutput.relativeError(viaShape) < tolerance(), "OfOutput == OfShape");
        }
    }

    @Test
    default void headExecutionReproducesTheOutput() {
        try (DifferentiableModel m = createModel()) {
            String tap = m.resolveLayer(tapLayer()).name();
            FloatTensor x = sampleInput(2);
            if (!m.capabilities().contains(Capability.HEAD_EXECUTION)) {
                FloatTensor a = m.run(PassRequest.builder(x).tap(tap).build()).activation(tap);
                assertThrows(UnsupportedCapabilityException.class, () -> m.runHead(tap, a, null));
                return;
            }
            PassResult r = m.run(PassRequest.builder(x).tap(tap).build());
            FloatTensor a = r.activation(tap);
            FloatTensor head = m.runHead(tap, a, null);
            assertTrue(head.relativeError(r.output()) < tolerance(), "head(activations) == model(input)");
            // A larger batch of modified activations runs too: what ablation methods do.
            FloatTensor doubled = FloatTensor.concat(List.of(a, FloatTensor.zeros(a.shape())));
            assertEquals(4, m.runHead(tap, doubled, null).shape().dim(0));
        }
    }

    @Test
    default void hessianProductsAreLinearInTheSeedOrRefused() {
        try (DifferentiableModel m = createModel()) {
            String tap = m.resolveLayer(tapLayer()).name();
            FloatTensor x = sampleInput(2);
            Shape outShape = m.forward(x).shape();
            FloatTensor s = gaussian(outShape, 5);
            PassRequest.Builder b = PassRequest.builder(x).tap(tap).hessianProducts(true);
            if (!m.capabilities().contains(Capability.HESSIAN_PRODUCTS)) {
                assertThrows(UnsupportedCapabilityException.class, () -> m.run(b.seed(new Seed.OfShape(sh -> s))
                        .build()), "a backend without second order must refuse, not ignore, the request");
                return;
            }
            PassResult once = m.run(b.seed(new Seed.OfShape(sh -> s)).build());
            FloatTensor h = once.hessianProducts().get(tap);
            assertEquals(once.activation(tap).shape(), h.shape(), "H A is shaped like the activations");
            // The first-order results are those of a plain gradient pass.
            PassResult plain = m.run(PassRequest.builder(x).tap(tap).seed(new Seed.OfShape(sh -> s)).build());
            assertTrue(once.gradient(tap).relativeError(plain.gradient(tap)) < tolerance());
            // T = s . y is linear in s, so is its Hessian.
            float[] twice = s.toArray();
            for (int i = 0; i < twice.length; i++) {
                twice[i] *= 2;
            }
            FloatTensor s2 = FloatTensor.wrapOwned(outShape, twice);
            FloatTensor h2 = m.run(PassRequest.builder(x).tap(tap).hessianProducts(true)
                    .seed(new Seed.OfShape(sh -> s2)).build()).hessianProducts().get(tap);
            float[] doubled = h.toArray();
            for (int i = 0; i < doubled.length; i++) {
                doubled[i] *= 2;
            }
            FloatTensor expected = FloatTensor.wrapOwned(h.shape(), doubled);
            assertTrue(expected.norm() == 0 ? h2.norm() == 0 : h2.relativeError(expected) < tolerance(),
                    "H A doubles with the seed");
        }
    }

    @Test
    default void rejectsBadInputsWithClearErrors() {
        try (DifferentiableModel m = createModel()) {
            FloatTensor x = sampleInput(1);
            long[] dims = x.shape().dims();
            dims[1] += 1; // one channel too many
            FloatTensor wrong = FloatTensor.zeros(Shape.of(dims));
            GradCamException e = assertThrows(GradCamException.class, () -> m.forward(wrong));
            assertFalse(e.getMessage().isBlank());
            String tap = m.resolveLayer(tapLayer()).name();
            assertThrows(UnsupportedCapabilityException.class, () -> m.run(PassRequest.builder(x).tap(tap)
                    .seed(new Seed.TopClass()).mode(new GradientMode("no-such-mode")).build()));
        }
    }

    /**
     * The request checks of {@link AbstractDifferentiableModel}, which every backend extends: the same malformed
     * request gets the same exception type on every backend.
     */
    @Test
    default void rejectsMalformedRequestsWithTheSameErrorsOnEveryBackend() {
        try (DifferentiableModel m = createModel()) {
            FloatTensor x = sampleInput(1);
            String input = m.inputs().get(0).name();
            String tap = m.resolveLayer(tapLayer()).name();
            long[] dims = x.shape().dims();
            dims[1] += 1;
            InvalidInputException shape = assertThrows(InvalidInputException.class,
                    () -> m.run(PassRequest.forward(FloatTensor.zeros(Shape.of(dims)))));
            assertTrue(shape.getMessage().contains(input), "names the input: " + shape.getMessage());
            assertThrows(UnknownOutputException.class,
                    () -> m.run(PassRequest.builder(x).output("no_such_output_xyz").build()));
            UnknownLayerException tapError = assertThrows(UnknownLayerException.class,
                    () -> m.run(PassRequest.builder(x).tap("no_such_layer_xyz").build()));
            assertFalse(tapError.nearest().isEmpty(), "unknown taps list candidates");
            InvalidInputException extra = assertThrows(InvalidInputException.class,
                    () -> m.run(PassRequest.builder(x).fixedInput("no_such_input_xyz", x).build()));
            assertTrue(extra.getMessage().contains("no_such_input_xyz"), extra.getMessage());
            PassRequest.Builder bias = PassRequest.builder(x).seed(new Seed.TopClass()).biasGradients(true);
            if (!m.capabilities().contains(Capability.BIAS_GRADIENTS)) {
                assertThrows(UnsupportedCapabilityException.class, () -> m.run(bias.build()));
            } else if (m.supports(LrpModes.epsilon(1e-6))) {
                assertThrows(InvalidInputException.class, () -> m.run(bias.mode(LrpModes.epsilon(1e-6)).build()),
                        "bias gradients are gradients, not LRP relevance");
            }
            PassResult twice = m.run(PassRequest.builder(x).tap(tap).tap(tap).build());
            assertEquals(List.of(tap), List.copyOf(twice.activations().keySet()), "a tap asked twice runs once");
        }
    }

    @Test
    default void closeIsIdempotentAndUseAfterCloseFails() {
        DifferentiableModel m = createModel();
        FloatTensor x = sampleInput(1);
        m.close();
        m.close();
        assertTrue(m.isClosed());
        assertThrows(ResourceClosedException.class, () -> m.forward(x));
        // Every call but close and isClosed: metadata getters too, as the interface says.
        assertThrows(ResourceClosedException.class, m::layers);
        assertThrows(ResourceClosedException.class, m::inputs);
        assertThrows(ResourceClosedException.class, m::outputs);
        assertThrows(ResourceClosedException.class, m::capabilities);
        assertThrows(ResourceClosedException.class, m::gradientModes);
        assertThrows(ResourceClosedException.class, m::executionProvider);
        assertThrows(ResourceClosedException.class, m::provenance);
        assertThrows(ResourceClosedException.class, () -> m.resolveLayer(tapLayer()));
    }

    @Test
    default void concurrentPassesGiveTheSameResults() throws Exception {
        try (DifferentiableModel m = createModel()) {
            FloatTensor x = sampleInput(2);
            String tap = m.resolveLayer(tapLayer()).name();
            FloatTensor expected = m.run(PassRequest.builder(x).tap(tap).seed(new Seed.TopClass()).build())
                    .gradient(tap);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<FloatTensor>> futures = new ArrayList<>();
                for (int i = 0; i < 8; i++) {
                    futures.add(pool.submit(() -> m.run(PassRequest.builder(x).tap(tap).seed(new Seed.TopClass())
                            .build()).gradient(tap)));
                }
                for (Future<FloatTensor> f : futures) {
                    assertTrue(f.get().relativeError(expected) < tolerance(), "concurrent pass");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
