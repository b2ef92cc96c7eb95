package dev.gradcam.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.model.TinyModels;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Value propagation through the shape subgraphs transformer exports emit (ViT's class token, Swin's windows). */
class ValuePropagationTest {

    /**
     * torchvision ViT's class token as torch 1.13 exports it: {@code cls.expand(n, -1, -1)} with n from
     * {@code Shape(x)[0]}, then Concat with the patch tokens and a Reshape whose target is computed from the shape.
     */
    private static ModelProto classTokenModel() {
        return TinyModels.model(17, List.of(
                TinyModels.node("Shape", List.of("x"), List.of("s")),
                TinyModels.node("Gather", List.of("s", "zero"), List.of("n"), TinyModels.i("axis", 0)),
                TinyModels.node("Unsqueeze", List.of("n", "axes0"), List.of("nu")),
                TinyModels.node("Concat", List.of("nu", "minus1", "minus1"), List.of("target"),
                        TinyModels.i("axis", 0)),
                TinyModels.node("Equal", List.of("target", "minus1"), List.of("eq")),
                TinyModels.node("Where", List.of("eq", "ones", "target"), List.of("fixed")),
                TinyModels.node("Expand", List.of("cls", "fixed"), List.of("clsN")),
                TinyModels.node("Concat", List.of("clsN", "x"), List.of("tokens"), TinyModels.i("axis", 1)),
                TinyModels.node("Shape", List.of("tokens"), List.of("ts")),
                TinyModels.node("Slice", List.of("ts", "zero1", "two1"), List.of("nk")),
                TinyModels.node("Concat", List.of("nk", "minus1"), List.of("flatTarget"), TinyModels.i("axis", 0)),
                TinyModels.node("Reshape", List.of("tokens", "flatTarget"), List.of("flat")),
                TinyModels.node("LayerNormalization", List.of("flat", "gamma"), List.of("y"),
                        TinyModels.i("axis", -1))),
                List.of(Tensors.ofLongs("zero", new long[0], new long[] {0}), Tensors.ofLongs("axes0", 0),
                        Tensors.ofLongs("minus1", -1), Tensors.ofLongs("ones", 1, 1, 1),
                        Tensors.ofLongs("zero1", 0), Tensors.ofLongs("two1", 2),
                        Tensors.ofFloats("cls", new long[] {1, 1, 8}, new float[8]),
                        Tensors.ofFloats("gamma", new long[] {8}, new float[8])),
                TinyModels.value("x", ElementType.FLOAT, -1, 16, 8), TinyModels.value("y", ElementType.FLOAT));
    }

    @Test
    void aSymbolicBatchKeepsEveryOtherDimStatic() {
        Graph g = Graph.of(classTokenModel());
        Shapes s = ShapeInference.inferDeclared(g);
        assertArrayEquals(new long[] {-1, 1, 8}, s.type("clsN").dims());
        assertArrayEquals(new long[] {-1, 17, 8}, s.type("tokens").dims());
        assertArrayEquals(new long[] {-1, 17, 8}, s.type("y").dims());
        assertNull(s.constant("target"), "the batch is not a constant of the model");
        assertEquals(List.of("clsN", "tokens", "flat", "y"), Layers.list(s).stream().map(LayerInfo::name).toList());

        Shapes concrete = ShapeInference.infer(g, Map.of("x", new long[] {5, 16, 8}));
        assertArrayEquals(new long[] {5, 1, 1}, concrete.constant("fixed").longs());
        assertArrayEquals(new long[] {5, 17, -1}, concrete.constant("flatTarget").longs());
        assertArrayEquals(new long[] {5, 17, 8}, concrete.dims("y"));
    }

    @Test
    void foldsMultiDimensionalSlicesTransposesAndConcats() {
        // Swin's padding amounts: a [4, 2] table sliced backwards along axis 0, transposed and flattened.
        ModelProto m = TinyModels.model(17, List.of(
                TinyModels.node("Reshape", List.of("pads8", "shape42"), List.of("table")),
                TinyModels.node("Slice", List.of("table", "minus1", "lowest", "zero1", "minus1"), List.of("rev")),
                TinyModels.node("Transpose", List.of("rev"), List.of("t"), TinyModels.ints("perm", 1, 0)),
                TinyModels.node("Concat", List.of("t", "t"), List.of("tt"), TinyModels.i("axis", 1)),
                TinyModels.node("Reshape", List.of("t", "minus1"), List.of("pads")),
                TinyModels.node("Pad", List.of("x", "pads"), List.of("y"))),
                List.of(Tensors.ofLongs("pads8", 0, 1, 2, 3, 4, 5, 6, 7), Tensors.ofLongs("shape42", 4, 2),
                        Tensors.ofLongs("minus1", -1), Tensors.ofLongs("lowest", Long.MIN_VALUE + 1),
                        Tensors.ofLongs("zero1", 0)),
                TinyModels.value("x", ElementType.FLOAT, 1, 1, 1, 1), TinyModels.value("y", ElementType.FLOAT));
        Shapes s = ShapeInference.inferDeclared(Graph.of(m));
        // rev = [[6,7],[4,5],[2,3],[0,1]]; t = [[6,4,2,0],[7,5,3,1]]
        assertArrayEquals(new long[] {6, 4, 2, 0, 7, 5, 3, 1}, s.constant("pads").longs());
        assertArrayEquals(new long[] {2, 8}, s.constant("tt").dims());
        assertArrayEquals(new long[] {6, 4, 2, 0, 6, 4, 2, 0}, java.util.Arrays.copyOf(s.constant("tt").longs(), 8));
        assertArrayEquals(new long[] {1 + 6 + 7, 1 + 4 + 5, 1 + 2 + 3, 1 + 0 + 1}, s.dims("y"));
    }

    @Test
    void foldsTheLargestImageSizeOfTorchvisionDetectionTransforms() {
        // GeneralizedRCNNTransform.batch_images under ONNX export: the padded size is the ReduceMax of each axis's
        // stacked sizes, rounded up to a multiple; the Pad that follows needs it to give the backbone a static shape.
        ModelProto m = TinyModels.model(17, List.of(
                TinyModels.node("Shape", List.of("x"), List.of("s")),
                TinyModels.node("Gather", List.of("s", "two"), List.of("h"), TinyModels.i("axis", 0)),
                TinyModels.node("Unsqueeze", List.of("h", "axes0"), List.of("hs")),
                TinyModels.node("Cast", List.of("hs"), List.of("hf"), TinyModels.i("to", ElementType.FLOAT)),
                TinyModels.node("ReduceMax", List.of("hf"), List.of("maxH"), TinyModels.i("keepdims", 0)),
                TinyModels.node("ReduceMin", List.of("hs"), List.of("minH"), TinyModels.i("keepdims", 0)),
                TinyModels.node("Cast", List.of("maxH"), List.of("padTo"), TinyModels.i("to", ElementType.INT64)),
                TinyModels.node("Sub", List.of("padTo", "h"), List.of("extra")),
                TinyModels.node("Unsqueeze", List.of("extra", "axes0"), List.of("extra1")),
                TinyModels.node("Concat", List.of("zeros7", "extra1"), List.of("pads"), TinyModels.i("axis", 0)),
                TinyModels.node("Pad", List.of("x", "pads"), List.of("y"))),
                List.of(Tensors.ofLongs("two", new long[0], new long[] {2}), Tensors.ofLongs("axes0", 0),
                        Tensors.ofLongs("zeros7", 0, 0, 0, 0, 0, 0, 0)),
                TinyModels.value("x", ElementType.FLOAT, 1, 3, 5, 7), TinyModels.value("y", ElementType.FLOAT));
        Shapes s = ShapeInference.inferDeclared(Graph.of(m));
        assertEquals(5.0, s.constant("maxH").doubles()[0]);
        assertEquals(5L, s.constant("minH").longs()[0]);
        assertArrayEquals(new long[] {1, 3, 5, 7}, s.dims("y"));
    }

    @Test
    void anUnknowableShapeNamesTheNodeWhereInferenceStopped() {
        ModelProto m = TinyModels.model(17, List.of(
                TinyModels.node("Relu", List.of("x"), List.of("r")),
                TinyModels.node("NonMaxSuppressionLike", List.of("r"), List.of("u")),
                TinyModels.node("Relu", List.of("u"), List.of("y"))),
                List.of(), TinyModels.value("x", ElementType.FLOAT, 1, 4), TinyModels.value("y", ElementType.FLOAT));
        Shapes s = ShapeInference.inferDeclared(Graph.of(m));
        ShapeInferenceException e = assertThrows(ShapeInferenceException.class, () -> s.dims("y"));
        assertTrue(e instanceof GradCamException);
        assertTrue(e.node().contains("NonMaxSuppressionLike"), e.getMessage());
        assertTrue(e.getMessage().contains("'y'") && e.getMessage().contains("no shape rule"), e.getMessage());

        Shapes dynamic = ShapeInference.inferDeclared(Graph.of(classTokenModel()));
        ShapeInferenceException d = assertThrows(ShapeInferenceException.class, () -> dynamic.dims("y"));
        assertNull(d.node());
        assertTrue(d.getMessage().contains("only known at run time"), d.getMessage());
    }
}
