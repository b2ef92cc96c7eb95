package dev.gradcam.onnx.graph;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.model.TinyModels;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShapeInferenceTest {

    @Test
    void specialisesToAConcreteInputAndKeepsDynamicBatchOtherwise() {
        Graph g = Graph.of(TinyModels.convNet());
        Shapes declared = ShapeInference.inferDeclared(g);
        assertArrayEquals(new long[] {-1, 4, 4, 4}, declared.type("p").dims());
        Shapes concrete = ShapeInference.infer(g, Map.of("x", new long[] {2, 3, 8, 8}));
        assertArrayEquals(new long[] {2, 4, 8, 8}, concrete.dims("c"));
        assertArrayEquals(new long[] {2, 64}, concrete.dims("y"));
        assertEquals(ElementType.FLOAT, concrete.type("p").elemType());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> ShapeInference.infer(g, Map.of("x", new long[] {2, 4, 8, 8})));
        assertTrue(e.getMessage().contains("[?, 3, 8, 8]") && e.getMessage().contains("[2, 4, 8, 8]"),
                e.getMessage());
    }

    @Test
    void foldsTheSplitConstantTf2onnxWritesForPadding() {
        // tf2onnx (M-LSD, opset 11): Pad's pads are a Concat of the parts of a split constant, reordered.
        ModelProto m = TinyModels.model(11, List.of(
                TinyModels.node("Split", List.of("c"), List.of("c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"),
                        TinyModels.ints("split", 1, 1, 1, 1, 1, 1, 1, 1)),
                TinyModels.node("Concat", List.of("c0", "c3", "c1", "c2", "c4", "c7", "c5", "c6"), List.of("pads"),
                        TinyModels.i("axis", 0)),
                TinyModels.node("Pad", List.of("x", "pads"), List.of("y"))),
                List.of(Tensors.ofLongs("c", 0, 1, 1, 0, 0, 0, 0, 0)),
                TinyModels.value("x", ElementType.FLOAT, 1, 3, 8, 8), TinyModels.value("y", ElementType.FLOAT, -1, -1, -1, -1));
        Shapes s = ShapeInference.infer(Graph.of(m), Map.of("x", new long[] {1, 3, 8, 8}));
        assertArrayEquals(new long[] {0}, s.constant("c3").longs());
        assertArrayEquals(new long[] {0, 0, 1, 1, 0, 0, 0, 0}, s.constant("pads").longs());
        assertArrayEquals(new long[] {1, 3, 9, 9}, s.dims("y"));
    }

    @Test
    void foldsExportedShapeArithmetic() {
        // x.view(x.size(0), -1) as PyTorch exports it: Shape -> Gather(0) -> Unsqueeze -> Concat(-1) -> Reshape.
        ModelProto m = TinyModels.model(13, List.of(
                TinyModels.node("Shape", List.of("x"), List.of("s")),
                TinyModels.node("Gather", List.of("s", "zero"), List.of("n")),
                TinyModels.node("Unsqueeze", List.of("n", "axes0"), List.of("nu")),
                TinyModels.node("Concat", List.of("nu", "minus1"), List.of("target"), TinyModels.i("axis", 0)),
                TinyModels.node("Reshape", List.of("x", "target"), List.of("y"))),
                List.of(Tensors.ofLongs("zero", new long[0], new long[] {0}), Tensors.ofLongs("axes0", 0),
                        Tensors.ofLongs("minus1", -1)),
                TinyModels.value("x", ElementType.FLOAT, -1, 3, 4, 5), TinyModels.value("y", ElementType.FLOAT, -1, 60));
        Graph g = Graph.of(m);
        Shapes s = ShapeInference.infer(g, Map.of("x", new long[] {2, 3, 4, 5}));
        assertArrayEquals(new long[] {2, -1}, s.constant("target").longs());
        assertArrayEquals(new long[] {2, 60}, s.dims("y"));
        Shapes dynamic = ShapeInference.inferDeclared(g);
        assertEquals(2, dynamic.rank("y"));
        List<LayerInfo> layers = Layers.list(dynamic);
        assertEquals(List.of("y"), layers.stream().map(LayerInfo::name).toList(), "integer values are not layers");
    }

    @Test
    void poolingCeilModeDropsAWindowStartingInThePadding() {
        ModelProto m = TinyModels.model(17, List.of(TinyModels.node("MaxPool", List.of("x"), List.of("y"),
                TinyModels.ints("kernel_shape", 2, 2), TinyModels.ints("strides", 2, 2),
                TinyModels.ints("pads", 1, 1, 1, 1), TinyModels.i("ceil_mode", 1))), List.of(),
                TinyModels.value("x", ElementType.FLOAT, 1, 1, 7, 7), TinyModels.value("y", ElementType.FLOAT));
        assertArrayEquals(new long[] {1, 1, 4, 4}, ShapeInference.inferDeclared(Graph.of(m)).dims("y"));
    }

    @Test
    void sortsNodesAndRejectsCyclesAndDanglingInputs() {
        ModelProto m = TinyModels.convNet();
        List<NodeProto> shuffled = new ArrayList<>(m.getGraph().getNodeList());
        Collections.reverse(shuffled);
        ModelProto reversed = m.toBuilder().setGraph(m.getGraph().toBuilder().clearNode().addAllNode(shuffled))
                .build();
        Graph g = Graph.of(reversed);
        assertEquals(List.of("Conv", "Relu", "MaxPool", "Flatten"), g.nodes().stream().map(Node::opType).toList());
        assertEquals("Relu", g.producer("r").opType());
        assertEquals(List.of("MaxPool"), g.consumers("r").stream().map(Node::opType).toList());
        List<LayerInfo> layers = Layers.list(ShapeInference.inferDeclared(g));
        assertEquals(Shape.of(-1, 4, 8, 8), layers.get(0).shape());
        assertEquals("/Conv_c", layers.get(0).node());

        ModelProto dangling = m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(1,
                TinyModels.node("Relu", List.of("nothing"), List.of("r")))).build();
        assertThrows(ModelLoadException.class, () -> Graph.of(dangling));
        ModelProto cycle = m.toBuilder().setGraph(m.getGraph().toBuilder().setNode(0,
                TinyModels.node("Conv", List.of("y", "w"), List.of("c")))).build();
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> Graph.of(cycle));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }
}
