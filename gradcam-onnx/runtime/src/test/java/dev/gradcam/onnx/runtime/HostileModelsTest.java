package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidModelException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.onnx.model.ElementType;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.GraphProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The invalid models the reliability review found leaking internal exceptions or killing the JVM inside ONNX Runtime
 * (issue 12), each an edit of the ResNet basic-block fixture: every one must now be refused with a
 * {@link GradCamException} naming what is wrong, before ONNX Runtime sees it.
 */
class HostileModelsTest {

    private static final OnnxOptions CPU = OnnxOptions.parse(Map.of("executionProvider", "cpu"));

    private static ModelProto parse(String fixture) throws IOException {
        return ModelProto.parseFrom(Files.readAllBytes(FixtureTest.fixtures().resolve(fixture + ".onnx")));
    }

    private static ModelProto fixture() throws IOException {
        return parse("resnet_basic");
    }

    private static ModelProto edit(Consumer<GraphProto.Builder> f) throws IOException {
        ModelProto.Builder m = fixture().toBuilder();
        f.accept(m.getGraphBuilder());
        return m.build();
    }

    private static int first(GraphProto.Builder g, String op) {
        for (int i = 0; i < g.getNodeCount(); i++) {
            if (g.getNode(i).getOpType().equals(op)) {
                return i;
            }
        }
        throw new AssertionError("the fixture has no " + op);
    }

    /** Loads and explains; returns the error. */
    private static <T extends GradCamException> T refused(Class<T> type, ModelProto m, String... fragments) {
        T e = assertThrows(type, () -> {
            try (OnnxModel model = OnnxModel.of(m, "hostile.onnx", CPU)) {
                Explainer.gradCam(model).build().explain(FixtureTest.resnetBasicInput(1, 3));
            }
        });
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), "'" + e.getMessage() + "' should mention '" + f + "'");
        }
        return e;
    }

    private static void setInts(NodeProto.Builder n, String name, long... values) {
        for (int i = 0; i < n.getAttributeCount(); i++) {
            if (n.getAttribute(i).getName().equals(name)) {
                AttributeProto.Builder a = n.getAttributeBuilder(i).clearInts();
                for (long v : values) {
                    a.addInts(v);
                }
                return;
            }
        }
        throw new AssertionError("no attribute " + name);
    }

    @Test
    void convStridesOfAThousandRunOrFailClearly() throws IOException {
        // Was SIGFPE inside ONNX Runtime. Each Conv of two fixtures in turn: a stride of 1000 leaves a 1x1 map, which
        // later windows may not fit (refused by the validator) or which Grad-CAM explains.
        int ran = 0;
        int refused = 0;
        for (String fixture : List.of("resnet_basic", "vgg")) {
            ModelProto base = parse(fixture);
            for (int i = 0; i < base.getGraph().getNodeCount(); i++) {
                if (!base.getGraph().getNode(i).getOpType().equals("Conv")) {
                    continue;
                }
                ModelProto.Builder m = base.toBuilder();
                setInts(m.getGraphBuilder().getNodeBuilder(i), "strides", 1000, 1000);
                try (OnnxModel model = OnnxModel.of(m.build(), fixture, CPU)) {
                    Explainer.gradCam(model).build().explain(FixtureTest.resnetBasicInput(1, 3));
                    ran++;
                } catch (GradCamException e) {
                    refused++;
                }
            }
        }
        assertTrue(ran > 0 && refused > 0, "some run, some are refused: ran " + ran + ", refused " + refused);
    }

    @Test
    void constantWithIntsValue() throws IOException {
        // Was SIGSEGV inside ONNX Runtime.
        ModelProto m = edit(g -> g.addNode(NodeProto.newBuilder().setOpType("Constant").setName("c").addOutput("k")
                .addAttribute(AttributeProto.newBuilder().setName("value").setType(AttributeProto.AttributeType.INTS)
                        .addInts(1))));
        refused(InvalidModelException.class, m, "Constant 'c'", "'value' is INTS", "needs TENSOR");
    }

    @Test
    void undefinedNodeInput() throws IOException {
        // Was a NullPointerException in the gradient assembler.
        ModelProto m = edit(g -> g.getNodeBuilder(first(g, "Relu")).setInput(0, "nothing"));
        refused(InvalidModelException.class, m, "reads 'nothing'");
    }

    @Test
    void noGraphOutput() throws IOException {
        // Was an ArrayIndexOutOfBoundsException.
        refused(InvalidModelException.class, edit(GraphProto.Builder::clearOutput), "no outputs");
    }

    @Test
    void batchNormalizationParameterOfRankTwo() throws IOException {
        // Was an ArrayIndexOutOfBoundsException.
        ModelProto m = edit(g -> {
            String scale = g.getNode(first(g, "BatchNormalization")).getInput(1);
            for (int i = 0; i < g.getInitializerCount(); i++) {
                if (g.getInitializer(i).getName().equals(scale)) {
                    long c = g.getInitializer(i).getDims(0);
                    g.getInitializerBuilder(i).clearDims().addDims(1).addDims(c);
                }
            }
        });
        refused(InvalidModelException.class, m, "BatchNormalization", "1-D with one entry per channel");
    }

    @Test
    void negativeAndOverflowingDims() throws IOException {
        // Were NegativeArraySizeException and ArithmeticException in tensor decoding, and IllegalArgumentException
        // from Shape.of.
        refused(InvalidModelException.class, edit(g -> g.getInitializerBuilder(0).setDims(0, -5)), "dims must be >= 0");
        refused(InvalidModelException.class, edit(g -> g.getInitializerBuilder(0).addDims(Long.MAX_VALUE)
                .addDims(Long.MAX_VALUE)), "elements");
    }

    @Test
    void float16Input() throws IOException {
        ModelProto m = edit(g -> g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder()
                .setElemType(ElementType.FLOAT16));
        refused(ModelLoadException.class, m, "float16", "float32 or float64");
    }
}
