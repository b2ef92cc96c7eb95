package dev.gradcam.nd4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.ResourceClosedException;
import dev.gradcam.api.UnknownLayerException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.BiasGradient;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.nd4j.demo.ShapesCnn;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** SameDiffModel beyond the contract: description, gradient modes, files, graph ownership and errors. */
class SameDiffModelTest {

    private static PassRequest.Builder gradientsAt(FloatTensor x, String... taps) {
        return PassRequest.builder(x).taps(List.of(taps)).seed(new Seed.TopClass());
    }

    @Test
    void describesTheGraphWithShapesAndPicksTheLastFeatureMapForAuto() {
        try (SameDiffModel m = TestGraphs.cnnModel()) {
            assertEquals("nd4j", m.backendName());
            assertEquals("CPU", m.executionProvider());
            assertEquals(ShapesCnn.INPUT, m.inputs().get(0).name());
            assertEquals(Shape.of(-1, 1, 16, 16), m.inputs().get(0).shape());
            assertEquals(Shape.of(-1, 3), m.outputs().get(0).shape());
            LayerInfo features = m.resolveLayer(ShapesCnn.FEATURES);
            assertEquals(Shape.of(-1, 32, 4, 4), features.shape());
            assertEquals("relu", features.op());
            assertEquals(features, m.resolveLayer("auto"));
            assertTrue(m.provenance().get("nd4j").startsWith("1.0.0"), m.provenance().toString());
            // The build's profile says which native variant it brings (the oneDNN one by default); this is the one
            // JavaCPP must have loaded, or the speed measured in docs/performance.md does not apply.
            String natives = System.getProperty("gradcam.nd4j.natives", "");
            assertTrue(natives.isEmpty() || natives.equals(m.provenance().get("nd4j.natives")),
                    "expected natives " + natives + ", provenance " + m.provenance());
        }
    }

    @Test
    void infersInputAndOutputOfASingleInputGraph() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 3);
        sd.nn.relu("y", x.mmul(sd.var("w", Nd4j.ones(DataType.FLOAT, 3, 2))), 0);
        try (SameDiffModel m = SameDiffModel.of(sd)) {
            assertEquals("x", m.inputs().get(0).name());
            assertEquals("y", m.outputs().get(0).name());
        }
    }

    @Test
    void refusesToGuessAmongSeveralPlaceholders() {
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> SameDiffModel.of(TestGraphs.cnn()));
        assertTrue(e.getMessage().contains("input") && e.getMessage().contains("labels"), e.getMessage());
    }

    @Test
    void guidedAndDeconvnetRewriteOnlyTheReluBackward() {
        // conv3 -> relu (features): the ReLU's backward maps d/d features to d/d conv3.
        try (SameDiffModel m = TestGraphs.cnnModel()) {
            FloatTensor x = TestGraphs.images(2, 5);
            PassResult standard = m.run(gradientsAt(x, "conv3", ShapesCnn.FEATURES).build());
            PassResult guided = m.run(gradientsAt(x, "conv3", ShapesCnn.FEATURES).mode(GradientMode.GUIDED).build());
            PassResult deconv = m.run(gradientsAt(x, "conv3", ShapesCnn.FEATURES).mode(GradientMode.DECONVNET)
                    .build());
            FloatTensor pre = standard.activation("conv3");
            FloatTensor gOut = standard.gradient(ShapesCnn.FEATURES);
            // After the last ReLU only linear ops follow, so the gradient arriving at it is the same in all modes.
            assertTrue(guided.gradient(ShapesCnn.FEATURES).relativeError(gOut) < 1e-6);
            assertTrue(deconv.gradient(ShapesCnn.FEATURES).relativeError(gOut) < 1e-6);
            float[] std = new float[pre.size()];
            float[] gd = new float[pre.size()];
            float[] dc = new float[pre.size()];
            for (int i = 0; i < std.length; i++) {
                float g = gOut.getFlat(i);
                boolean open = pre.getFlat(i) > 0;
                std[i] = open ? g : 0;
                gd[i] = open && g > 0 ? g : 0;
                dc[i] = Math.max(g, 0);
            }
            assertTrue(standard.gradient("conv3").relativeError(FloatTensor.of(pre.shape(), std)) < 1e-6);
            assertTrue(guided.gradient("conv3").relativeError(FloatTensor.of(pre.shape(), gd)) < 1e-6);
            assertTrue(deconv.gradient("conv3").relativeError(FloatTensor.of(pre.shape(), dc)) < 1e-6);
            assertFalse(guided.gradient("conv3").equals(standard.gradient("conv3")), "guided differs from standard");
            // Guided input gradients differ from standard ones: the earlier ReLUs are rewired too.
            FloatTensor gx = m.run(gradientsAt(x).inputGradient(true).build()).inputGradient().orElseThrow();
            FloatTensor ggx = m.run(gradientsAt(x).inputGradient(true).mode(GradientMode.GUIDED).build())
                    .inputGradient().orElseThrow();
            assertTrue(ggx.relativeError(gx) > 1e-3);
        }
    }

    @Test
    void aSeedThatIgnoresAnImageGivesItZeroGradients() {
        try (SameDiffModel m = TestGraphs.cnnModel()) {
            FloatTensor x = TestGraphs.images(2, 6);
            FloatTensor seed = FloatTensor.of(Shape.of(2, 3), 1, 0, 0, 0, 0, 0);
            PassResult r = m.run(PassRequest.builder(x).tap(ShapesCnn.FEATURES).seed(new Seed.OfShape(s -> seed))
                    .inputGradient(true).build());
            assertTrue(r.gradient(ShapesCnn.FEATURES).slice(0).norm() > 0);
            assertEquals(0.0, r.gradient(ShapesCnn.FEATURES).slice(1).norm());
            assertEquals(0.0, r.inputGradient().orElseThrow().slice(1).norm());
            assertEquals(seed, r.seed().orElseThrow());
        }
    }

    @Test
    void theInGraphTopClassSeedEqualsTheOneHotOfAForwardPassArgMax() {
        try (SameDiffModel m = TestGraphs.cnnModel()) {
            FloatTensor x = TestGraphs.images(4, 11);
            // Reference: the API's own TopClass rule applied to a separate forward pass's output.
            FloatTensor expectedSeed = new Seed.TopClass().resolve(m.run(PassRequest.forward(x)).output());
            PassResult top = m.run(gradientsAt(x, ShapesCnn.FEATURES).inputGradient(true).build());
            PassResult fed = m.run(PassRequest.builder(x).tap(ShapesCnn.FEATURES)
                    .seed(new Seed.OfShape(s -> expectedSeed)).inputGradient(true).build());
            assertEquals(expectedSeed, top.seed().orElseThrow());
            assertEquals(fed.output(), top.output());
            assertEquals(0.0, top.gradient(ShapesCnn.FEATURES).relativeError(fed.gradient(ShapesCnn.FEATURES)));
            assertEquals(0.0, top.inputGradient().orElseThrow().relativeError(fed.inputGradient().orElseThrow()));
            assertTrue(top.gradient(ShapesCnn.FEATURES).norm() > 0);
        }
    }

    @Test
    void theTopClassTargetRefusesOutputsThatAreNotClassScores() {
        try (SameDiffModel m = TestGraphs.cnnModel()) {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> m.run(PassRequest.builder(
                    TestGraphs.images(1, 3)).output(ShapesCnn.FEATURES).seed(new Seed.TopClass()).build()));
            assertTrue(e.getMessage().contains("[N, classes]"), e.getMessage());
        }
    }

    @Test
    void leavesTheUsersGraphAloneAndSnapshotsItsWeights() {
        SameDiff sd = TestGraphs.cnn();
        int variables = sd.variables().size();
        FloatTensor x = TestGraphs.images(1, 7);
        try (SameDiffModel m = SameDiffModel.builder(sd).input(ShapesCnn.INPUT).outputs(ShapesCnn.LOGITS).build()) {
            FloatTensor before = m.forward(x);
            m.run(gradientsAt(x, ShapesCnn.FEATURES).mode(GradientMode.GUIDED).build());
            assertEquals(variables, sd.variables().size(), "no seed, loss or gradient variables added to the user's graph");
            assertEquals(null, sd.getFunction("grad"));
            sd.getVariable("dense_b").getArr().addi(10f); // the user keeps training their graph
            assertEquals(before, m.forward(x), "the model explains the weights it was built with");
        }
    }

    @Test
    void differentiatesGraphsWhoseWeightsAreConstants() {
        SameDiff sd = SameDiff.create();
        SDVariable x = sd.placeHolder("x", DataType.FLOAT, -1, 3);
        SDVariable h = sd.nn.relu("h", x.mmul(sd.constant("w", Nd4j.linspace(-1, 1, 6, DataType.FLOAT).reshape(3, 2))), 0);
        h.sum("y", 1);
        try (SameDiffModel m = SameDiffModel.of(sd)) {
            FloatTensor in = FloatTensor.of(Shape.of(1, 3), 1, 2, 3);
            PassResult r = m.run(PassRequest.builder(in).tap("h").seed(new Seed.OfShape(s -> FloatTensor.full(s, 1f)))
                    .inputGradient(true).build());
            assertEquals(FloatTensor.of(Shape.of(1, 2), 1, 1), r.gradient("h"));
            // By hand: w = [[-1, -0.6], [-0.2, 0.2], [0.6, 1]], x w = [0.4, 2.8] > 0, so d y / d x = w [1, 1]^T.
            FloatTensor expected = FloatTensor.of(Shape.of(1, 3), -1.6f, 0, 1.6f);
            FloatTensor gx = r.inputGradient().orElseThrow();
            assertTrue(gx.relativeError(expected) < 1e-6, gx.toString());
        }
    }

    @Test
    void loadsGraphsSavedBySameDiff(@TempDir Path dir) {
        Path file = dir.resolve("cnn.sd");
        TestGraphs.cnn().save(file.toFile(), false);
        FloatTensor x = TestGraphs.images(2, 8);
        try (SameDiffModel built = TestGraphs.cnnModel();
             var loaded = new Nd4jBackendProvider().load(file, Map.of("input", ShapesCnn.INPUT, "output",
                     ShapesCnn.LOGITS))) {
            assertTrue(loaded.forward(x).relativeError(built.forward(x)) < 1e-6);
            assertEquals("cnn.sd", loaded.provenance().get("source"));
        }
    }

    @Test
    void headExecutionExplainsWhyItCannotCutInsideASkipConnection() {
        try (SameDiffModel m = SameDiffModel.of(TestGraphs.residual())) {
            FloatTensor acts = FloatTensor.zeros(Shape.of(1, 5));
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> m.runHead("hidden", acts, null));
            assertTrue(e.getMessage().contains("bypasses"), e.getMessage());
        }
    }

    @Test
    void rejectsUnknownTapsOutputsAndMisshapenActivations() {
        try (SameDiffModel m = TestGraphs.cnnModel()) {
            FloatTensor x = TestGraphs.images(1, 9);
            UnknownLayerException e = assertThrows(UnknownLayerException.class,
                    () -> m.run(PassRequest.builder(x).tap("featurez").build()));
            assertTrue(e.nearest().contains(ShapesCnn.FEATURES), e.getMessage());
            assertThrows(InvalidInputException.class, () -> m.run(PassRequest.builder(x).output("nope").build()));
            assertThrows(InvalidInputException.class,
                    () -> m.runHead(ShapesCnn.FEATURES, FloatTensor.zeros(Shape.of(1, 31, 4, 4)), null));
        }
    }

    @Test
    void explainsAnIntermediateLayerAsTheOutput() {
        try (SameDiffModel m = TestGraphs.cnnModel()) {
            assertTrue(m.capabilities().contains(Capability.LAYER_OUTPUT));
            FloatTensor x = TestGraphs.images(2, 12);
            PassResult r = m.run(PassRequest.builder(x).output(ShapesCnn.FEATURES).taps(List.of("conv3", "gap"))
                    .seed(new Seed.OfShape(s -> FloatTensor.full(s, 1f))).build());
            assertEquals(Shape.of(2, 32, 4, 4), r.output().shape());
            assertEquals(r.activation("conv3").shape(), r.gradient("conv3").shape());
            // d sum(relu(conv3)) / d conv3 is the ReLU's mask.
            for (int i = 0; i < r.output().size(); i++) {
                assertEquals(r.activation("conv3").getFlat(i) > 0 ? 1f : 0f, r.gradient("conv3").getFlat(i));
            }
            assertEquals(0.0, r.gradient("gap").norm(), "a tap after the explained layer gets zero gradients");
            assertEquals(Shape.of(2, 32), r.activation("gap").shape());
        }
    }

    @Test
    void reportsConvolutionBiasesAndTheirOutputGradientsForFullGrad() {
        SameDiff sd = TestGraphs.cnn();
        // The demo initialises biases to zero; distinct values show which array is reported.
        float[] bias3 = new float[32];
        for (int i = 0; i < bias3.length; i++) {
            bias3[i] = 0.01f * (i - 16);
        }
        sd.getVariable("conv3_b").getArr().assign(Nd4j.createFromArray(bias3));
        try (SameDiffModel m = SameDiffModel.builder(sd).input(ShapesCnn.INPUT).outputs(ShapesCnn.LOGITS).build()) {
            assertTrue(m.capabilities().contains(Capability.BIAS_GRADIENTS));
            FloatTensor x = TestGraphs.images(2, 13);
            PassResult r = m.run(gradientsAt(x, "conv3").biasGradients(true).build());
            assertEquals(List.of("conv1", "conv2", "conv3"), r.biasGradients().stream().map(BiasGradient::layer)
                    .toList());
            BiasGradient last = r.biasGradients().get(2);
            assertEquals(r.gradient("conv3"), last.gradient());
            assertEquals(FloatTensor.of(Shape.of(32), bias3), last.bias());
        }
        try (SameDiffModel smooth = SameDiffModel.of(TestGraphs.smoothCnn())) {
            assertFalse(smooth.capabilities().contains(Capability.BIAS_GRADIENTS), "its convolutions have no bias");
            assertThrows(UnsupportedCapabilityException.class, () -> smooth.run(PassRequest.builder(
                    TestGraphs.images(1, 1)).seed(new Seed.TopClass()).biasGradients(true).build()));
        }
    }

    @Test
    void secondOrderIsRefusedNamingTheBackendAndWhereItRuns() {
        try (SameDiffModel m = TestGraphs.cnnModel()) {
            assertFalse(m.capabilities().contains(Capability.HESSIAN_PRODUCTS));
            UnsupportedCapabilityException pass = assertThrows(UnsupportedCapabilityException.class, () -> m.run(
                    gradientsAt(TestGraphs.images(1, 1), "conv3").hessianProducts(true).build()));
            assertEquals(Capability.HESSIAN_PRODUCTS, pass.capability());
            assertTrue(pass.getMessage().contains("'nd4j'") && pass.getMessage().contains("ONNX backend"),
                    pass.getMessage());
            UnsupportedCapabilityException method = assertThrows(UnsupportedCapabilityException.class,
                    () -> dev.gradcam.api.Explainer.of(m, "shapley-cam").layer("conv3").build());
            assertTrue(method.getMessage().contains("'nd4j'") && method.getMessage().contains("shapley-cam"),
                    method.getMessage());
        }
    }

    @Test
    void everyCallButCloseFailsAfterClose() {
        SameDiffModel m = TestGraphs.cnnModel();
        m.close();
        assertThrows(ResourceClosedException.class, m::layers);
        assertThrows(ResourceClosedException.class, () -> m.runHead(ShapesCnn.FEATURES,
                FloatTensor.zeros(Shape.of(1, 32, 4, 4)), null));
        m.close();
        assertTrue(m.isClosed());
    }
}
