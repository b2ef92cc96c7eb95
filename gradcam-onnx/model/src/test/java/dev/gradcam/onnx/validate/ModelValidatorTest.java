package dev.gradcam.onnx.validate;

import static dev.gradcam.onnx.model.TinyModels.i;
import static dev.gradcam.onnx.model.TinyModels.ints;
import static dev.gradcam.onnx.model.TinyModels.model;
import static dev.gradcam.onnx.model.TinyModels.node;
import static dev.gradcam.onnx.model.TinyModels.value;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import dev.gradcam.api.InvalidModelException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.onnx.graph.Graph;
import dev.gradcam.onnx.graph.ShapeInference;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.model.Tensors;
import dev.gradcam.onnx.model.TinyModels;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.onnx.proto.Onnx.TensorProto;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Every failure class of {@link ModelValidator} and {@link OperatorRules} on a hand-built valid model (Conv, Relu,
 * MaxPool, Flatten) with one defect each: the model is refused with an {@link InvalidModelException} whose message
 * names the node or tensor and what would be valid.
 */
class ModelValidatorTest {

    private static final ModelProto VALID = TinyModels.convNet();

    private static ModelProto edit(UnaryOperator<GraphProto.Builder> f) {
        ModelProto.Builder m = VALID.toBuilder();
        f.apply(m.getGraphBuilder());
        return m.build();
    }

    /** Validates, infers declared shapes and checks operator rules, as OnnxModel does. */
    private static void load(ModelProto m) {
        ModelValidator.validate(m, "test.onnx");
        Graph g = Graph.of(m);
        OperatorRules.check(g, ShapeInference.inferDeclared(g), "test.onnx");
    }

    private static void refused(ModelProto m, String... fragments) {
        InvalidModelException e = assertThrows(InvalidModelException.class, () -> load(m));
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should mention '" + f + "'");
        }
    }

    private static UnaryOperator<GraphProto.Builder> setAttr(int nodeIndex, AttributeProto a) {
        return g -> {
            NodeProto.Builder n = g.getNodeBuilder(nodeIndex);
            for (int i = 0; i < n.getAttributeCount(); i++) {
                if (n.getAttribute(i).getName().equals(a.getName())) {
                    n.setAttribute(i, a);
                    return g;
                }
            }
            n.addAttribute(a);
            return g;
        };
    }

    @Test
    void validModelPasses() {
        assertDoesNotThrow(() -> load(VALID));
    }

    @Test
    void graphStructure() {
        refused(edit(g -> {
            g.getNodeBuilder(1).setInput(0, "nowhere");
            return g;
        }), "Relu '/Relu_r'", "reads 'nowhere'");
        refused(edit(GraphProto.Builder::clearOutput), "no outputs");
        refused(edit(g -> {
            g.getOutputBuilder(0).setName("missing");
            return g;
        }), "graph output 'missing'", "not computed");
        refused(edit(g -> {
            g.getNodeBuilder(1).setOutput(0, "c");
            return g;
        }), "writes 'c'", "defined once");
        refused(edit(g -> {
            g.getNodeBuilder(1).setName(g.getNode(0).getName());
            return g;
        }), "node names must be unique");
        refused(edit(g -> {
            g.getNodeBuilder(1).clearOutput();
            return g;
        }), "has no outputs");
        refused(edit(g -> {
            g.getNodeBuilder(1).setOpType("");
            return g;
        }), "no operator type");
        refused(edit(g -> {
            g.getNodeBuilder(2).addAttribute(ints("strides", 2, 2));
            return g;
        }), "attribute 'strides' twice");
    }

    @Test
    void inputAndOutputCounts() {
        refused(edit(g -> {
            g.getNodeBuilder(1).addInput("c");
            return g;
        }), "Relu '/Relu_r'", "has 2 inputs", "takes 1");
        refused(edit(g -> {
            g.getNodeBuilder(0).setInput(1, "");
            return g;
        }), "Conv '/Conv_c'", "lacks input 1", "takes 2 to 3");
        // Opset 9 Gemm needs its C input; ONNX Runtime refuses the model otherwise.
        ModelProto gemm = model(9, List.of(node("Gemm", List.of("x", "w"), List.of("y"))),
                List.of(Tensors.ofFloats("w", new long[] {3, 2}, new float[6])), value("x", ElementType.FLOAT, -1, 3),
                value("y", ElementType.FLOAT, -1, 2));
        refused(gemm, "lacks input 2", "Gemm at opset 9 takes 3");
        ModelProto gemm11 = gemm.toBuilder().setOpsetImport(0, gemm.getOpsetImport(0).toBuilder().setVersion(11))
                .build();
        assertDoesNotThrow(() -> load(gemm11));
    }

    @Test
    void cyclesAreRefusedByTheGraph() {
        // Relu reads the Flatten output, which depends on the Relu: every value is defined, but not in order.
        ModelProto m = edit(g -> {
            g.getNodeBuilder(1).setInput(0, "y");
            return g;
        });
        ModelLoadException e = assertThrows(ModelLoadException.class, () -> load(m));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
    }

    @Test
    void tensorsMustMatchTheirDims() {
        refused(edit(g -> {
            g.getInitializerBuilder(0).setDims(0, -4);
            return g;
        }), "initializer 'w'", "dims must be >= 0");
        refused(edit(g -> {
            g.getInitializerBuilder(0).setDims(0, Long.MAX_VALUE).setDims(1, Long.MAX_VALUE);
            return g;
        }), "initializer 'w'", "more than 2147483647 elements");
        refused(edit(g -> {
            TensorProto.Builder t = g.getInitializerBuilder(0);
            t.setRawData(t.getRawData().substring(0, 10));
            return g;
        }), "initializer 'w'", "needs 432 bytes of raw_data, but holds 10");
        refused(edit(g -> {
            g.getInitializerBuilder(0).clearRawData().addFloatData(1f);
            return g;
        }), "needs 108 float_data values, but holds 1");
        refused(edit(g -> {
            g.getInitializerBuilder(0).setDataType(99);
            return g;
        }), "element type 99", "not an ONNX type");
        refused(edit(g -> {
            g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(2)
                    .setDimValue(0);
            return g;
        }), "graph input 'x'", "dim 2 as 0");
    }

    @Test
    void decodingIsOverflowSafe() {
        TensorProto negative = TensorProto.newBuilder().setName("t").setDataType(ElementType.FLOAT).addDims(-3)
                .build();
        assertThrows(InvalidModelException.class, () -> Tensors.toFloats(negative));
        TensorProto huge = TensorProto.newBuilder().setName("t").setDataType(ElementType.INT64).addDims(1L << 40)
                .addDims(1L << 40).setRawData(ByteString.copyFrom(new byte[8])).build();
        assertThrows(InvalidModelException.class, () -> Tensors.toLongs(huge));
        TensorProto shortTyped = TensorProto.newBuilder().setName("t").setDataType(ElementType.FLOAT).addDims(4)
                .addFloatData(1f).build();
        assertThrows(InvalidModelException.class, () -> Tensors.toFloats(shortTyped));
    }

    @Test
    void attributeTypes() {
        AttributeProto stridesAsFloat = AttributeProto.newBuilder().setName("strides")
                .setType(AttributeProto.AttributeType.FLOAT).setF(2).build();
        refused(edit(setAttr(2, stridesAsFloat)), "MaxPool '/MaxPool_p'", "'strides' is FLOAT", "needs INTS");
        // ONNX Runtime dies with SIGSEGV on this one: a Constant whose value is not a tensor.
        ModelProto constant = edit(g -> {
            g.addNode(node("Constant", List.of(), List.of("k"), ints("value", 1, 2)));
            return g;
        });
        refused(constant, "Constant '/Constant_k'", "'value' is INTS", "needs TENSOR");
        ModelProto twoValues = edit(g -> {
            g.addNode(node("Constant", List.of(), List.of("k"), i("value_int", 1),
                    AttributeProto.newBuilder().setName("value_float").setType(AttributeProto.AttributeType.FLOAT)
                            .setF(1).build()));
            return g;
        });
        refused(twoValues, "exactly one of the attributes");
        AttributeProto emptyTensor = AttributeProto.newBuilder().setName("value")
                .setType(AttributeProto.AttributeType.TENSOR).build();
        refused(edit(g -> {
            g.addNode(node("Constant", List.of(), List.of("k"), emptyTensor));
            return g;
        }), "declared TENSOR but holds no tensor");
    }

    @Test
    void windowAttributeRanges() {
        refused(edit(setAttr(2, ints("strides", 0, 2))), "'strides' = [0, 2]", "in [1, 16777216]");
        refused(edit(setAttr(2, ints("strides", 1000L << 20, 2))), "'strides'", "in [1, 16777216]");
        refused(edit(setAttr(0, ints("pads", 1, 1, 1))), "'pads' = [1, 1, 1]", "even length");
        refused(edit(setAttr(0, ints("dilations", 1, 1, 1))), "'dilations'", "needs 2 entries");
        refused(edit(setAttr(2, ints("kernel_shape", 2, 2, 2))), "'strides' = [2, 2]", "needs 3 entries");
        refused(edit(setAttr(2, ints("kernel_shape", 20, 20))), "kernel spans 20", "padded input has only 8");
        refused(edit(setAttr(2, ints("pads", 2, 0, 2, 0))), "smaller than the kernel");
        refused(edit(setAttr(0, i("group", 3))), "'group' = 3", "must divide the 4 output channels");
        refused(edit(setAttr(0, i("group", 2))), "'group' = 2", "3 channels", "group x 3");
        refused(edit(setAttr(0, i("group", 0))), "'group' = 0", ">= 1");
        refused(edit(setAttr(0, ints("kernel_shape", 5, 5))), "must match the weight's spatial dims [3, 3]");
        refused(edit(setAttr(0, AttributeProto.newBuilder().setName("auto_pad")
                .setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8("SAME")).build())),
                "'auto_pad' = 'SAME'", "NOTSET");
        refused(edit(setAttr(2, i("ceil_mode", 2))), "'ceil_mode' = 2", "0 or 1");
        refused(edit(g -> {
            g.getNodeBuilder(2).removeAttribute(0);
            return g;
        }), "'kernel_shape'", "MaxPool requires it");
    }

    @Test
    void inputRanksAndChannels() {
        refused(edit(g -> {
            g.getInitializerBuilder(0).clearDims().addAllDims(List.of(4L, 27L)).build();
            return g;
        }), "weight 'w' has rank 2", "rank-4 weight");
        refused(edit(g -> {
            g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder().getDimBuilder(1)
                    .setDimValue(6);
            return g;
        }), "the input has 6 channels", "group x 3");
        refused(edit(setAttr(3, i("axis", 5))), "Flatten", "'axis' = 5", "[-4, 4]");
    }

    @Test
    void otherOperators() {
        ModelProto bn = model(17, List.of(node("BatchNormalization", List.of("x", "s", "b", "m", "v"), List.of("y"))),
                List.of(Tensors.ofFloats("s", new long[] {3, 1}, new float[3]), Tensors.ofFloats("b", new long[] {3},
                        new float[3]), Tensors.ofFloats("m", new long[] {3}, new float[3]),
                        Tensors.ofFloats("v", new long[] {3}, new float[3])),
                value("x", ElementType.FLOAT, -1, 3, 8, 8), value("y", ElementType.FLOAT, -1, 3, 8, 8));
        refused(bn, "input scale ('s') has shape [3, 1]", "1-D with one entry per channel (3)");
        ModelProto transpose = model(17, List.of(node("Transpose", List.of("x"), List.of("y"), ints("perm", 0, 1, 1,
                3))), List.of(), value("x", ElementType.FLOAT, -1, 3, 8, 8), value("y", ElementType.FLOAT, -1, 3, 8, 8));
        refused(transpose, "'perm' = [0, 1, 1, 3]", "permutation");
        ModelProto gemm = model(9, List.of(node("Gemm", List.of("x", "w", "b"), List.of("y"), i("transB", 2))),
                List.of(Tensors.ofFloats("w", new long[] {2, 3}, new float[6]), Tensors.ofFloats("b", new long[] {2},
                        new float[2])), value("x", ElementType.FLOAT, -1, 3), value("y", ElementType.FLOAT, -1, 2));
        refused(gemm, "'transB' = 2", "0 or 1");
        ModelProto cast = model(17, List.of(node("Cast", List.of("x"), List.of("y"), i("to", 99))), List.of(),
                value("x", ElementType.FLOAT, -1, 3), value("y", ElementType.FLOAT, -1, 3));
        refused(cast, "'to' = 99", "1 to 23");
        ModelProto reduce = model(13, List.of(node("ReduceMean", List.of("x"), List.of("y"), ints("axes", 1, 1))),
                List.of(), value("x", ElementType.FLOAT, -1, 3), value("y", ElementType.FLOAT, -1, 1));
        refused(reduce, "'axes' = [1, 1]", "must not repeat");
        ModelProto add = model(17, List.of(node("Add", List.of("x", "b"), List.of("y"))),
                List.of(Tensors.ofFloats("b", new long[] {4}, new float[4])), value("x", ElementType.FLOAT, -1, 3),
                value("y", ElementType.FLOAT, -1, 3));
        refused(add, "do not broadcast (sizes 3 and 4)");
        ModelProto concat = model(17, List.of(node("Concat", List.of("x", "b"), List.of("y"), i("axis", 1))),
                List.of(Tensors.ofFloats("b", new long[] {2, 4}, new float[8])), value("x", ElementType.FLOAT, 1, 3),
                value("y", ElementType.FLOAT, 1, 7));
        refused(concat, "differ on axis 0", "every other axis equal");
    }
}
