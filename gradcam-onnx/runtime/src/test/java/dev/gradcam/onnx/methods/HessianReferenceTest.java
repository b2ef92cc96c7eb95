package dev.gradcam.onnx.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.onnx.runtime.OnnxModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Second order on the 8 fixture architectures against torch's double backward in float64
 * ({@code hessian/make_hessian_fixtures.py}): the Hessian-vector products {@code H A} of the ONNX backend's one-pass
 * second-order graph (plus, for the softmax and ReST targets, the target-curvature pass), and ShapleyCAM's raw maps
 * ({@code w = mean(g - 0.5 H A)}, Cai et al. 2025), for the logit, softmax and ReST targets of classes 1 and 3:
 * relative L2 error at most 1e-4. ConvNeXt (LayerNorm + GELU) and EfficientNet (SiLU) have curved heads; the ReLU
 * architectures' logit products are exactly zero in the reference and must be (numerically) zero here.
 */
class HessianReferenceTest {

    private static final double TOLERANCE = 1e-4;
    private static final Pattern TAP = Pattern.compile(
            "\"module\"\\s*:\\s*\"([^\"]+)\",\\s*\"onnx_tensor\"\\s*:\\s*\"([^\"]+)\"");
    private static final Map<String, OnnxModel> MODELS = new ConcurrentHashMap<>();

    /** (arch, module, tensor, target) for every tap of hessian/manifest.json and every target. */
    static Stream<Arguments> cases() throws IOException {
        List<Arguments> out = new ArrayList<>();
        Path dir = MethodReferenceTest.resource("hessian");
        try (Stream<Path> archs = Files.list(dir)) {
            for (Path arch : archs.filter(Files::isDirectory).sorted().toList()) {
                String a = arch.getFileName().toString();
                Matcher m = TAP.matcher(Files.readString(MethodReferenceTest.resource("fixtures").resolve(a)
                        .resolve("manifest.json")));
                while (m.find()) {
                    for (String target : List.of("logit", "softmax", "rest")) {
                        out.add(Arguments.of(a, m.group(1), m.group(2), target));
                    }
                }
            }
        }
        return out.stream();
    }

    private static List<Target> targets(String kind) {
        return switch (kind) {
            case "logit" -> List.of(Targets.classLogit(1), Targets.classLogit(3));
            case "softmax" -> List.of(Targets.classProbability(1), Targets.classProbability(3));
            case "rest" -> List.of(Targets.rest(1), Targets.rest(3));
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static OnnxModel model(String arch) {
        return MODELS.computeIfAbsent(arch, a -> OnnxModel.load(MethodReferenceTest.resource("fixtures")
                .resolve(a + ".onnx"), Map.of("executionProvider", "cpu")));
    }

    private static FloatTensor input(String arch) {
        return Npy.read(MethodReferenceTest.resource("fixtures").resolve(arch).resolve("input.npy"));
    }

    private static FloatTensor reference(String arch, String name) {
        return Npy.read(MethodReferenceTest.resource("hessian").resolve(arch).resolve(name + ".npy"));
    }

    @AfterAll
    static void close() {
        MODELS.values().forEach(OnnxModel::close);
        MODELS.clear();
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("cases")
    void hessianVectorProductsMatchTorchDoubleBackward(String arch, String module, String tensor, String target) {
        FloatTensor expected = reference(arch, "hvp-" + target + "__" + module);
        PassResult r = model(arch).run(PassRequest.builder(input(arch)).taps(List.of(tensor))
                .seed(Targets.seedFor(targets(target), 2)).hessianProducts(true).build());
        FloatTensor actual = r.hessianProducts().get(tensor);
        assertEquals(expected.shape(), actual.shape());
        if (expected.norm() == 0) {
            // A piecewise-linear head under a linear target: the product is zero, up to float32 noise.
            double scale = r.gradient(tensor).norm() * r.activation(tensor).norm();
            assertTrue(actual.norm() <= 1e-6 * scale, "H A should vanish: |H A| " + actual.norm());
            return;
        }
        double err = actual.relativeError(expected);
        assertTrue(err <= TOLERANCE, arch + " " + module + " " + target + ": relative L2 error " + err);
    }

    @Test
    void eachTapsProductHoldsOnlyItsOwnSecondDerivatives() {
        // Two ConvNeXt taps in one pass: features.0 feeds features.3, yet each product is that tap's alone, as
        // pytorch-grad-cam's per-layer torch.autograd.grad(grads, activations, grad_outputs=activations).
        String early = "/features/features.0/features.0.1/Transpose_1_output_0";
        String late = "/features/features.3/features.3.0/Add_output_0";
        PassResult r = model("convnext").run(PassRequest.builder(input("convnext")).taps(List.of(early, late))
                .seed(Targets.seedFor(targets("rest"), 2)).hessianProducts(true).build());
        assertTrue(r.hessianProducts().get(early).relativeError(reference("convnext", "hvp-rest__features.0"))
                <= TOLERANCE);
        assertTrue(r.hessianProducts().get(late).relativeError(reference("convnext", "hvp-rest__features.3"))
                <= TOLERANCE);
    }

    @ParameterizedTest(name = "{0} {1} {3}")
    @MethodSource("cases")
    void shapleyCamMatchesThePaper(String arch, String module, String tensor, String target) {
        FloatTensor expected = reference(arch, "shapley-cam-" + target + "__" + module);
        Explanation e = Explainer.of(model(arch), "shapley-cam").layer(tensor).activation(MapActivation.SIGNED)
                .normalization(Normalizations.none()).upsample(false).build().explain(input(arch), targets(target));
        assertEquals(expected.shape(), e.rawMaps().shape());
        for (int i = 0; i < 2; i++) {
            double err = e.rawMaps().slice(i).relativeError(expected.slice(i));
            assertTrue(err <= TOLERANCE, arch + " " + module + " " + target + " image " + i
                    + ": relative L2 error " + err);
        }
    }
}
