package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.Size;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.Tensors;
import dev.gradcam.onnx.grad.Attr;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.testing.ModelBuilder;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A channels-last model ([N, H, W, C] input, as TensorFlow exports take images, transposed to [N, C, H, W] inside)
 * gets heatmaps of its height and width, not of its width and channels: the Explainer reads an input whose last
 * axis is short and whose two axes before it are not as [N, H, W, C], and says so in the diagnostics.
 */
class ChannelsLastInputTest {

    private static final int H = 10;
    private static final int W = 12;

    private static ModelProto channelsLast() {
        Random r = new Random(5);
        return ModelBuilder.opset(17).input("x", -1, H, W, 1)
                .random("w1", r, 0.5, 8, 1, 3, 3).random("w2", r, 1.0, 3, 8)
                .node("Transpose", "t", List.of("x"), Attr.ints("perm", 0, 3, 1, 2))
                .node("Conv", "c", List.of("t", "w1"), Attr.ints("pads", 1, 1, 1, 1))
                .node("Relu", "r", List.of("c"))
                .node("GlobalAveragePool", "g", List.of("r")).node("Flatten", "f", List.of("g"))
                .node("Gemm", "y", List.of("f", "w2"), Attr.i("transB", 1)).output("y").build();
    }

    @Test
    void heatmapsHaveTheImagesHeightAndWidth() {
        try (OnnxModel m = OnnxModel.of(channelsLast(), "channels-last", OnnxOptions.parse(Map.of(
                "executionProvider", "cpu")))) {
            FloatTensor x = Tensors.gaussian(Shape.of(2, H, W, 1), 3);
            Explanation e = Explainer.gradCam(m).layer("r").activation(MapActivation.SIGNED)
                    .normalization(Normalizations.none()).build().explain(x);
            assertEquals(Shape.of(2, H, W), e.rawMaps().shape(), "the layer's maps");
            // Before: [2, W, 1], the maps resized to the width by the channels.
            assertEquals(Shape.of(2, H, W), e.heatmaps().shape());
            // The layer has the input's grid, so the heatmaps are the raw maps themselves, not resampled.
            assertEquals(0, e.heatmaps().relativeError(e.rawMaps()), 1e-6);
            assertTrue(e.diagnostics().stream().anyMatch(d -> d.contains("channels-last")), e.diagnostics()::toString);

            Explanation sized = Explainer.gradCam(m).layer("r").outputSize(Size.of(24, 20)).build().explain(x);
            assertEquals(Shape.of(2, 20, 24), sized.heatmaps().shape());
            assertTrue(sized.diagnostics().stream().noneMatch(d -> d.contains("channels-last")),
                    sized.diagnostics()::toString);
        }
    }
}
