package dev.gradcam.nd4j.onnx;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidModelException;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.nd4j.SameDiffModel;
import dev.gradcam.onnx.fuzz.OnnxMutator;
import dev.gradcam.onnx.proto.Onnx.AttributeProto;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.proto.Onnx.NodeProto;
import dev.gradcam.testsupport.OnnxFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile models through the ND4J loader: the same {@link dev.gradcam.onnx.validate.ModelValidator} checks and
 * messages as the ONNX Runtime backend, before anything translates the model. Mutants come from the fuzz tests'
 * {@link OnnxMutator}; every one must load and explain, or fail with a {@link GradCamException} that hides no
 * internal exception.
 */
class Nd4jHostileModelsTest {

    private static final int MUTANTS = 120;

    @TempDir
    Path dir;

    @Test
    void fuzzedMutantsGiveAResultOrAClearError() throws IOException {
        List<String> archs = List.of("resnet_basic", "vgg", "squeezenet", "mobilenetv2");
        List<OnnxMutator> mutators = new ArrayList<>();
        for (String a : archs) {
            mutators.add(new OnnxMutator(Files.readAllBytes(OnnxFixtures.model(a))));
        }
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> internal = new ArrayList<>();
        for (int i = 0; i < MUTANTS; i++) {
            OnnxMutator.Mutant m = mutators.get(i % mutators.size()).mutate(12_000_003L + i);
            Path file = Files.write(dir.resolve("mutant-" + i + ".onnx"), m.bytes());
            String outcome;
            try (SameDiffModel model = OnnxSameDiff.load(file)) {
                Explainer.gradCam(model).build().explain(input(model));
                outcome = "ran";
            } catch (GradCamException e) {
                outcome = e.getClass().getSimpleName();
                if (e.getCause() instanceof RuntimeException c && !(c instanceof GradCamException)) {
                    internal.add(i + " " + m.description() + ": " + c);
                }
            } catch (RuntimeException | Error e) {
                outcome = "internal";
                internal.add(i + " " + m.description() + ": " + e);
            }
            outcomes.merge(outcome, 1, Integer::sum);
            Files.delete(file);
        }
        System.out.println("ND4J loader, " + MUTANTS + " mutants: " + outcomes);
        assertTrue(internal.isEmpty(), "internal exceptions: " + internal);
        assertTrue(outcomes.getOrDefault("InvalidModelException", 0) > 0 && outcomes.getOrDefault("ran", 0) > 0,
                "a mix of valid and invalid mutants: " + outcomes);
    }

    @Test
    void theReviewsHostileModelsGetTheValidatorsMessages() throws IOException {
        ModelProto m = ModelProto.parseFrom(Files.readAllBytes(OnnxFixtures.model("resnet_basic")));
        // A Conv stride of 0 (a division by zero in shape arithmetic).
        ModelProto.Builder strides = m.toBuilder();
        NodeProto.Builder conv = firstNode(strides, "Conv");
        for (int i = 0; i < conv.getAttributeCount(); i++) {
            if (conv.getAttribute(i).getName().equals("strides")) {
                conv.setAttribute(i, conv.getAttribute(i).toBuilder().clearInts().addInts(0).addInts(0));
            }
        }
        assertInvalid(strides.build(), "strides");
        // A Constant whose value is ints, not a tensor (SIGSEGV inside ONNX Runtime).
        ModelProto.Builder constant = m.toBuilder();
        constant.getGraphBuilder().addNode(0, NodeProto.newBuilder().setOpType("Constant").setName("bad_constant")
                .addOutput("c").addAttribute(AttributeProto.newBuilder().setName("value")
                        .setType(AttributeProto.AttributeType.INTS).addInts(1)));
        assertInvalid(constant.build(), "bad_constant");
        // A node input that names no value (a NullPointerException in the translator before).
        ModelProto.Builder undefined = m.toBuilder();
        firstNode(undefined, "Relu").setInput(0, "nothing_makes_this");
        assertInvalid(undefined.build(), "nothing_makes_this");
        // No graph output.
        ModelProto.Builder noOutput = m.toBuilder();
        noOutput.getGraphBuilder().clearOutput();
        assertInvalid(noOutput.build(), "no outputs");
    }

    private static NodeProto.Builder firstNode(ModelProto.Builder m, String op) {
        for (NodeProto.Builder n : m.getGraphBuilder().getNodeBuilderList()) {
            if (n.getOpType().equals(op)) {
                return n;
            }
        }
        throw new IllegalStateException("no " + op);
    }

    private void assertInvalid(ModelProto m, String named) throws IOException {
        Path file = Files.write(dir.resolve("hostile.onnx"), m.toByteArray());
        GradCamException e = assertThrows(GradCamException.class, () -> OnnxSameDiff.load(file).close());
        assertTrue(e instanceof InvalidModelException || e instanceof dev.gradcam.api.ModelLoadException,
                e.getClass() + ": " + e.getMessage());
        assertTrue(e.getMessage().contains(named), e.getMessage());
        assertTrue(e.getCause() == null || e.getCause() instanceof GradCamException, "no internal cause: "
                + e.getCause());
    }

    private static FloatTensor input(SameDiffModel model) {
        long[] d = model.inputs().get(0).shape().dims();
        for (int i = 0; i < d.length; i++) {
            if (d[i] < 0) {
                d[i] = i == 0 ? 1 : 32;
            }
        }
        long count = 1;
        for (long x : d) {
            count *= x;
        }
        if (d.length != 4 || count > 1 << 20) {
            d = new long[] {1, 3, 32, 32};
            count = 3 * 32 * 32;
        }
        float[] v = new float[(int) count];
        Random r = new Random(7);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return FloatTensor.of(Shape.of(d), v);
    }
}
