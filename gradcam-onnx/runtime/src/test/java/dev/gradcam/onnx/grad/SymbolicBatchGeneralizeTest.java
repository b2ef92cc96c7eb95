package dev.gradcam.onnx.grad;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.OperatorSetIdProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import dev.gradcam.onnx.proto.Onnx.TensorShapeProto;
import dev.gradcam.onnx.proto.Onnx.TypeProto;
import dev.gradcam.onnx.proto.Onnx.ValueInfoProto;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * {@link SymbolicBatch#generalize} on hand-made pairs of graphs "compiled" at batch 2 and 3: what it turns into
 * run-time expressions of the batch size, and every difference that must make it refuse (the caller then keeps one
 * graph per batch size).
 */
class SymbolicBatchGeneralizeTest {

    /** y = Reshape(x [N, 4, 2], shape) with {@code shape} a constant of the compile's batch size. */
    private static CompiledGraph reshape(long n, TensorProto shape, TensorProto other) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(info("x", n, 4, 2)).addOutput(info("y", n, 8))
                .addInitializer(shape.toBuilder().setName("shape"))
                .addNode(NodeProto.newBuilder().setOpType("Reshape").addInput("x").addInput("shape").addOutput("r")
                        .setName("reshape"))
                .addNode(NodeProto.newBuilder().setOpType("Mul").addInput("r").addInput("k").addOutput("y")
                        .setName("mul"))
                .addInitializer(other.toBuilder().setName("k"));
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder()
                .setVersion(17)).setGraph(g).build();
        return new CompiledGraph(m, "x", null, "y", Map.of(), Map.of(), null, null);
    }

    /** y = Expand(x [N, 1], shape) with {@code shape} = [N, 8], a constant of the compile's batch size. */
    private static CompiledGraph expand(long n) {
        GraphProto.Builder g = GraphProto.newBuilder().setName("g")
                .addInput(info("x", n, 1)).addOutput(info("y", n, 8))
                .addInitializer(Tensors.ofLongs("shape", n, 8))
                .addNode(NodeProto.newBuilder().setOpType("Expand").addInput("x").addInput("shape").addOutput("y")
                        .setName("expand"));
        ModelProto m = ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder()
                .setVersion(17)).setGraph(g).build();
        return new CompiledGraph(m, "x", null, "y", Map.of(), Map.of(), null, null);
    }

    private static ValueInfoProto info(String name, long... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (long d : dims) {
            s.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(ElementType.FLOAT).setShape(s))).build();
    }

    private static TensorProto k() {
        return Tensors.ofFloats("k", new long[] {1}, new float[] {2f});
    }

    @Test
    void aProportionalShapeConstantBecomesAnExpressionOfTheInputsLeadingDimension() {
        CompiledGraph g = SymbolicBatch.generalize(expand(2), 2, expand(3), 3).orElseThrow();
        GraphProto graph = g.model().getGraph();
        assertEquals(SymbolicBatch.BATCH, graph.getInput(0).getType().getTensorType().getShape().getDim(0)
                .getDimParam());
        assertEquals(SymbolicBatch.BATCH, graph.getOutput(0).getType().getTensorType().getShape().getDim(0)
                .getDimParam());
        assertFalse(graph.getInitializerList().stream().anyMatch(t -> t.getName().equals("shape")),
                "the constant is computed now");
        NodeProto producer = graph.getNodeList().stream().filter(n -> n.getOutputList().contains("shape"))
                .findFirst().orElseThrow();
        assertEquals("Add", producer.getOpType());
        Map<String, TensorProto> inits = graph.getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, t -> t));
        assertEquals(List.of(1L, 0L), inits.get("gradcam_batch/shape/factor").getInt64DataList());
        assertEquals(List.of(0L, 8L), inits.get("gradcam_batch/shape/base").getInt64DataList());
        assertEquals(List.of("Shape", "Gather"), graph.getNodeList().subList(0, 2).stream().map(NodeProto::getOpType)
                .toList(), "N = Shape(x)[0], before every use");
        assertTrue(graph.getNodeList().indexOf(producer) < graph.getNodeList().stream().map(NodeProto::getOpType)
                .toList().indexOf("Expand"), "computed before the node that reads it");
    }

    @Test
    void aReshapeTargetWithOneProportionalElementBecomesAConstantThatInfersIt() {
        // [2, 8] at batch 2 and [3, 8] at batch 3: the same as [-1, 8] at every batch size, which keeps the other
        // dims known to ONNX Runtime's shape inference; no run-time expression is left.
        CompiledGraph g = SymbolicBatch.generalize(reshape(2, Tensors.ofLongs("", 2, 8), k()), 2,
                reshape(3, Tensors.ofLongs("", 3, 8), k()), 3).orElseThrow();
        GraphProto graph = g.model().getGraph();
        assertEquals(List.of("Reshape", "Mul"), graph.getNodeList().stream().map(NodeProto::getOpType).toList());
        String target = graph.getNode(0).getInput(1);
        TensorProto constant = graph.getInitializerList().stream().filter(t -> t.getName().equals(target))
                .findFirst().orElseThrow();
        assertEquals(List.of(-1L, 8L), constant.getInt64DataList());
        assertEquals(SymbolicBatch.BATCH, graph.getInput(0).getType().getTensorType().getShape().getDim(0)
                .getDimParam());
        // Two elements that grow with the batch cannot both be -1: the expression stays.
        CompiledGraph two = SymbolicBatch.generalize(reshape(2, Tensors.ofLongs("", 2, 2, 4), k()), 2,
                reshape(3, Tensors.ofLongs("", 3, 3, 4), k()), 3).orElseThrow();
        assertTrue(two.model().getGraph().getNodeList().stream().anyMatch(n -> n.getOutputList().contains("shape")
                && n.getOpType().equals("Add")));
    }

    @Test
    void aGraphWithoutBatchDependentConstantsOnlyGetsASymbolicBatchDimension() {
        TensorProto flat = Tensors.ofLongs("", -1, 8);
        CompiledGraph g = SymbolicBatch.generalize(reshape(2, flat, k()), 2, reshape(3, flat, k()), 3).orElseThrow();
        assertEquals(List.of("Reshape", "Mul"), g.model().getGraph().getNodeList().stream().map(NodeProto::getOpType)
                .toList());
    }

    @Test
    void anythingElseThatDependsOnTheBatchKeepsOneGraphPerBatchSize() {
        // An element that is not the batch size times a constant (2 * 2 + 1 and 3 * 2 + 1).
        assertEquals(Optional.empty(), SymbolicBatch.generalize(reshape(2, Tensors.ofLongs("", 5, 8), k()), 2,
                reshape(3, Tensors.ofLongs("", 7, 8), k()), 3));
        // A float constant that differs.
        assertEquals(Optional.empty(), SymbolicBatch.generalize(reshape(2, Tensors.ofLongs("", 2, 8), k()), 2,
                reshape(3, Tensors.ofLongs("", 3, 8), Tensors.ofFloats("k", new long[] {1}, new float[] {3f})), 3));
        // A node that differs in an attribute.
        CompiledGraph a = reshape(2, Tensors.ofLongs("", 2, 8), k());
        CompiledGraph b = reshape(3, Tensors.ofLongs("", 3, 8), k());
        GraphProto.Builder gb = b.model().getGraph().toBuilder();
        gb.setNode(0, gb.getNode(0).toBuilder().addAttribute(AttributeProto.newBuilder().setName("allowzero")
                .setType(AttributeProto.AttributeType.INT).setI(1)));
        CompiledGraph other = new CompiledGraph(b.model().toBuilder().setGraph(gb).build(), "x", null, "y", Map.of(),
                Map.of(), null, null);
        assertEquals(Optional.empty(), SymbolicBatch.generalize(a, 2, other, 3));
        // An input whose leading dimension is not the batch size.
        CompiledGraph wrong = reshape(4, Tensors.ofLongs("", 3, 8), k());
        assertEquals(Optional.empty(), SymbolicBatch.generalize(a, 2, wrong, 3));
    }

    @Test
    void flatScatterPositionsThatRepeatPerImageBecomeARangeOverTheBatch() {
        // Positions 1 and 3 of each image of 4 elements: [1, 3, 5, 7] at batch 2, [1, 3, 5, 7, 9, 11] at batch 3.
        TensorProto two = Tensors.ofLongs("", new long[] {4}, new long[] {1, 3, 5, 7});
        TensorProto three = Tensors.ofLongs("", new long[] {6}, new long[] {1, 3, 5, 7, 9, 11});
        CompiledGraph g = SymbolicBatch.generalize(reshape(2, two, k()), 2, reshape(3, three, k()), 3).orElseThrow();
        assertTrue(g.model().getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Range")));
        // Not a repeat: the second image's positions are shifted differently at batch 3.
        TensorProto odd = Tensors.ofLongs("", new long[] {6}, new long[] {1, 3, 6, 8, 9, 11});
        assertEquals(Optional.empty(), SymbolicBatch.generalize(reshape(2, two, k()), 2, reshape(3, odd, k()), 3));
    }
}
