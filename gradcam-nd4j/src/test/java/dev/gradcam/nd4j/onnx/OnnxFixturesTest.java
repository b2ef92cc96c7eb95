package dev.gradcam.nd4j.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.nd4j.SameDiffModel;
import dev.gradcam.testsupport.OnnxFixtures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every fixture architecture, translated from ONNX to SameDiff, against the PyTorch references (computed in float64
 * and rounded to float32): logits, activations and gradients at three taps, and the input gradient, in standard and
 * guided mode, and the Grad-CAM map the public {@link Explainer} makes at the last tap, each within 1e-4 relative L2
 * error. The ONNX backend is held to the same references, so the two backends agree with each other too.
 */
class OnnxFixturesTest {

    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"vgg", "resnet_basic", "resnet_bottleneck", "densenet", "mobilenetv2", "squeezenet",
            "efficientnet", "convnext"})
    void matchesPyTorch(String arch) {
        FloatTensor input = OnnxFixtures.array(arch, "input");
        FloatTensor seed = OnnxFixtures.array(arch, "seed");
        List<OnnxFixtures.Tap> taps = OnnxFixtures.taps(arch);
        assertFalse(taps.isEmpty(), "manifest lists taps");
        List<String> errors = new ArrayList<>();
        try (SameDiffModel m = OnnxSameDiff.load(OnnxFixtures.model(arch))) {
            for (OnnxFixtures.Tap t : taps) {
                assertEquals(t.tensor(), m.resolveLayer(t.module()).name(), "module path " + t.module());
            }
            assertTrue(m.capabilities().contains(Capability.BIAS_GRADIENTS), "convolution biases or batch norms");
            List<String> names = taps.stream().map(OnnxFixtures.Tap::tensor).toList();
            for (GradientMode mode : List.of(GradientMode.STANDARD, GradientMode.GUIDED)) {
                PassResult r = m.run(PassRequest.builder(input).taps(names).seed(new Seed.OfShape(s -> seed))
                        .inputGradient(true).mode(mode).build());
                String g = mode.equals(GradientMode.GUIDED) ? "_guided" : "";
                check(errors, mode + " logits", r.output(), OnnxFixtures.array(arch, "logits"));
                check(errors, mode + " input gradient", r.inputGradient().orElseThrow(),
                        OnnxFixtures.array(arch, "input_grad" + g));
                for (OnnxFixtures.Tap t : taps) {
                    check(errors, mode + " activation " + t.module(), r.activation(t.tensor()),
                            OnnxFixtures.array(arch, "act__" + t.module()));
                    check(errors, mode + " gradient " + t.module(), r.gradient(t.tensor()),
                            OnnxFixtures.array(arch, "grad" + g + "__" + t.module()));
                }
            }
            // Grad-CAM through the public API at the last tap, against the map of the reference tensors.
            OnnxFixtures.Tap last = taps.get(taps.size() - 1);
            List<Target> targets = Arrays.stream(OnnxFixtures.classes(arch)).mapToObj(Targets::classLogit).toList();
            Explanation e = Explainer.gradCam(m).layer(last.module()).build().explain(input, targets);
            check(errors, "Grad-CAM map at " + last.module(), e.rawMaps(), gradCam(
                    OnnxFixtures.array(arch, "act__" + last.module()), OnnxFixtures.array(arch, "grad__" + last.module())));
        }
        assertTrue(errors.isEmpty(), arch + ": " + String.join("; ", errors));
    }

    /** Grad-CAM's raw map by its definition: sum_k mean(dY/dA_k) A_k, per image. */
    static FloatTensor gradCam(FloatTensor acts, FloatTensor grads) {
        int n = acts.shape().intDim(0);
        int k = acts.shape().intDim(1);
        int hw = acts.shape().intDim(2) * acts.shape().intDim(3);
        float[] map = new float[n * hw];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < k; c++) {
                double w = 0;
                int base = (i * k + c) * hw;
                for (int p = 0; p < hw; p++) {
                    w += grads.getFlat(base + p);
                }
                w /= hw;
                for (int p = 0; p < hw; p++) {
                    map[i * hw + p] += (float) (w * acts.getFlat(base + p));
                }
            }
        }
        return FloatTensor.wrapOwned(dev.gradcam.api.tensor.Shape.of(n, acts.shape().dim(2), acts.shape().dim(3)), map);
    }

    private static void check(List<String> errors, String what, FloatTensor actual, FloatTensor expected) {
        if (!actual.shape().equals(expected.shape())) {
            errors.add(what + ": shape " + actual.shape() + " vs " + expected.shape());
            return;
        }
        double e = actual.relativeError(expected);
        if (!(e <= TOLERANCE)) {
            errors.add(what + ": relative error " + e);
        }
    }
}
