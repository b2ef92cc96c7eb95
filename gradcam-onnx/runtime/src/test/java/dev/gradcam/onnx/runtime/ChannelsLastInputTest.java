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
 * axis is short and whose two axes before it are not as [N, H, W, C] when the layer's maps have that aspect, and
 * says so in the diagnostics. A signal given as [N, C, T, 1], whose maps are a column, stays [N, C, H, W].
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

    /** x [N, 8 channels, 20 steps, 1] -> Conv 3x1 -> Relu -> pool -> Gemm: a 1-D signal in a 2-D export. */
    private static ModelProto signal() {
        Random r = new Random(6);
        return ModelBuilder.opset(17).input("x", -1, 8, 20, 1)
                .random("w1", r, 0.5, 6, 8, 3, 1).random("w2", r, 1.0, 3, 6)
                .node("Conv", "c", List.of("x", "w1"), Attr.ints("pads", 1, 0, 1, 0))
                .node("Relu", "r", List.of("c"))
                .node("GlobalAveragePool", "g", List.of("r")).node("Flatten", "f", List.of("g"))
                .node("Gemm", "y", List.of("f", "w2"), Attr.i("transB", 1)).output("y").build();
    }

    @Test
    void aSignalWithOneColumnStaysChannelsFirst() {
        try (OnnxModel m = OnnxModel.of(signal(), "signal", OnnxOptions.parse(Map.of("executionProvider", "cpu")))) {
            Explanation e = Explainer.gradCam(m).layer("r").build().explain(Tensors.gaussian(Shape.of(2, 8, 20, 1), 4));
            assertEquals(Shape.of(2, 20, 1), e.rawMaps().shape());
            assertEquals(Shape.of(2, 20, 1), e.heatmaps().shape(), "20 steps by 1, as the maps");
            assertTrue(e.diagnostics().stream().anyMatch(d -> d.contains("may be channels-last")),
                    e.diagnostics()::toString);
        }
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
