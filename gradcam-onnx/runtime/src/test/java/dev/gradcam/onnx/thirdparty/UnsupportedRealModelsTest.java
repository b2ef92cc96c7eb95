package dev.gradcam.onnx.thirdparty;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.UnsupportedOperatorException;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.Tensors;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The other models of the same npm packages, which gradcam cannot differentiate end to end: each must fail with a
 * clear {@link GradCamException} that names the node in the way and what to do, never an ONNX Runtime error or an
 * internal exception. Recurrent and quantized OCR heads (ddddocr's {@code common.onnx}, LSTM, opset 12;
 * {@code common_old.onnx}, DynamicQuantizeLSTM and ConvInteger), a wake-word head whose output goes through a
 * data-dependent {@code If} ({@code hey_jarvis_v0.1.onnx}), and a voice-activity model with an int64 input
 * ({@code silero_vad.onnx}).
 */
@Tag("heavy")
class UnsupportedRealModelsTest {

    private static GradCamException explain(Path file, Shape input) {
        return assertThrows(GradCamException.class, () -> {
            try (OnnxModel m = OnnxModel.load(file, Map.of("executionProvider", "cpu"))) {
                // Element 0 of whatever the output is (a time-major OCR head has no batch axis first): the output's
                // shape is learnt by running the model where inference cannot tell it, so the failure comes from the
                // node without a gradient, not from a target that does not fit the output.
                m.run(PassRequest.builder(Tensors.uniform(input, 1)).inputGradient(true)
                        .seed(new Seed.OfShape(UnsupportedRealModelsTest::firstElement)).build());
            }
        });
    }

    private static dev.gradcam.api.tensor.FloatTensor firstElement(Shape shape) {
        float[] d = new float[(int) shape.size()];
        d[0] = 1;
        return dev.gradcam.api.tensor.FloatTensor.of(shape, d);
    }

    private static void assertMentions(GradCamException e, String... words) {
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), "'" + w + "' missing from: " + e.getMessage());
        }
    }

    @Test
    void lstmRecogniserNamesTheLstmAndSuggestsAnEarlierOutput() {
        Path file = NpmModels.file(DdddOcrDetectorTest.PACKAGE, DdddOcrDetectorTest.VERSION, DdddOcrDetectorTest.INTEGRITY,
                "package/onnx/common.onnx");
        GradCamException e = explain(file, Shape.of(1, 1, 64, 128));
        assertTrue(e instanceof InvalidInputException || e instanceof UnsupportedOperatorException, e.toString());
        assertMentions(e, "LSTM", "'LSTM_79'", "--output");
    }

    @Test
    void dynamicallyQuantizedRecogniserNamesTheQuantizer() {
        Path file = NpmModels.file(DdddOcrDetectorTest.PACKAGE, DdddOcrDetectorTest.VERSION, DdddOcrDetectorTest.INTEGRITY,
                "package/onnx/common_old.onnx");
        GradCamException e = explain(file, Shape.of(1, 1, 64, 128));
        assertTrue(e instanceof InvalidInputException || e instanceof UnsupportedOperatorException, e.toString());
        assertMentions(e, "DynamicQuantizeLinear", "--output");
    }

    @Test
    void dataDependentIfNamesTheIf() {
        Path file = NpmModels.file(SpeechEmbeddingTest.PACKAGE, SpeechEmbeddingTest.VERSION, SpeechEmbeddingTest.INTEGRITY,
                "package/models/hey_jarvis_v0.1.onnx");
        GradCamException e = explain(file, Shape.of(1, 16, 96));
        assertTrue(e instanceof InvalidInputException || e instanceof UnsupportedOperatorException, e.toString());
        assertMentions(e, "If", "'If_32'", "--output");
    }

    @Test
    void int64InputIsRefusedAtLoad() {
        Path file = NpmModels.file(SpeechEmbeddingTest.PACKAGE, SpeechEmbeddingTest.VERSION, SpeechEmbeddingTest.INTEGRITY,
                "package/models/silero_vad.onnx");
        GradCamException e = explain(file, Shape.of(1, 512));
        assertTrue(e instanceof ModelLoadException, e.toString());
        assertMentions(e, "input 'sr' is int64");
    }
}
