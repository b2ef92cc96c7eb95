package dev.gradcam.onnx.runtime;

import static dev.gradcam.api.testing.TensorAssertions.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.testsupport.OnnxFixtures;
import dev.gradcam.testsupport.TestResources;
import dev.gradcam.api.testing.Tensors;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * One compiled variant serves every batch size ({@code SymbolicBatch}): on each fixture architecture, one session
 * answers batches of 1, 3 and 8 with the results of the per-batch variants ({@code batchSymbolic=false}, the
 * reference: graphs specialised to each input shape, themselves checked against PyTorch by {@link FixtureTest}).
 */
class SymbolicBatchTest {

    /** Both forms run the same arithmetic; only shape constants differ, so results agree to float32 rounding. */
    private static final double TOLERANCE = 1e-5;

    static Stream<Path> models() {
        Stream<Path> cnns = OnnxFixtures.ARCHITECTURES.stream().map(OnnxFixtures::model);
        Stream<Path> transformers = Stream.of("vit", "deit", "convnext")
                .map(a -> TestResources.path("/dev/gradcam/onnx/transformers/" + a + ".onnx"));
        return Stream.concat(cnns, transformers);
    }

    private static OnnxModel load(Path file, boolean symbolic) {
        return OnnxModel.load(file, Map.of("executionProvider", "cpu", "intraOpThreads", "1",
                "batchSymbolic", Boolean.toString(symbolic)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("models")
    void oneSessionServesBatchesOf1_3And8WithThePerBatchResults(Path file) {
        try (OnnxModel symbolic = load(file, true); OnnxModel perBatch = load(file, false)) {
            String tap = symbolic.resolveLayer("auto").name();
            Shape image = symbolic.inputs().get(0).shape().dropFirst(1);
            for (int n : new int[] {1, 3, 8}) {
                FloatTensor x = Tensors.gaussian(image.prepend(n), 11 + n);
                for (GradientMode mode : new GradientMode[] {GradientMode.STANDARD, GradientMode.GUIDED}) {
                    PassRequest request = PassRequest.builder(x).tap(tap).inputGradient(true).mode(mode)
                            .seed(new Seed.TopClass()).build();
                    PassResult got = symbolic.run(request);
                    PassResult want = perBatch.run(request);
                    String what = file.getFileName() + " batch " + n + " " + mode;
                    assertClose(want.output(), got.output(), TOLERANCE, what + " output");
                    assertClose(want.activation(tap), got.activation(tap), TOLERANCE, what + " activations");
                    assertClose(want.gradient(tap), got.gradient(tap), TOLERANCE, what + " gradient");
                    assertClose(want.inputGradient().orElseThrow(), got.inputGradient().orElseThrow(), TOLERANCE,
                            what + " input gradient");
                    assertEquals(want.seed().orElseThrow(), got.seed().orElseThrow(), what + " seed (top class)");
                }
            }
            assertEquals(2, symbolic.sessionsCreated(), file.getFileName() + ": one session per gradient mode, "
                    + "whatever the batch size");
            assertEquals(6, perBatch.sessionsCreated(), "the reference compiles per batch size");
        }
    }
}
