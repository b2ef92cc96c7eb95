package dev.gradcam.onnx.convert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.Explanation;
import dev.gradcam.api.io.Npy;
import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.onnx.model.OnnxFormat;
import dev.gradcam.onnx.model.OnnxModelReader;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.runtime.OnnxModel;
import dev.gradcam.onnx.testing.OrtRunner;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link OpsetConverter} on torch.onnx exports of the fixture architectures at opsets 7, 9, 10 and 11
 * ({@code opsets/make_opset_fixtures.py}). References: ONNX Runtime running the original old-opset file (forward
 * outputs before and after conversion must agree), and the same weights exported at opset 17 ({@code fixtures/})
 * or 13 ({@code legacy_ops}), whose Grad-CAM maps the old exports must reproduce, including vgg's overlapping
 * max-pool windows at opsets 7 and 9 that were refused before conversion existed.
 */
class OpsetConversionTest {

    private static final List<Target> TARGETS = List.of(Targets.classLogit(1), Targets.classLogit(3));
    /** A late layer per architecture: Grad-CAM's gradient passes the head, every pooling and adapted op after it. */
    private static final Map<String, String> LAYER = Map.of(
            "resnet_basic", "layer2.0", "resnet_bottleneck", "layer1.0", "vgg", "features.4",
            "densenet", "features.transition1", "mobilenetv2", "features.2", "efficientnet", "features.2",
            "squeezenet", "features.3", "convnext", "features.1.0", "legacy_ops", "conv2");

    static Path resource(String dir) {
        try {
            return Path.of(OpsetConversionTest.class.getResource("/dev/gradcam/onnx/" + dir).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<String> exports() throws IOException {
        try (Stream<Path> files = Files.list(resource("opsets"))) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".onnx"))
                    .filter(n -> !n.equals("legacy_ops_opset13.onnx")).map(n -> n.substring(0, n.length() - 5))
                    .sorted().toList().stream();
        }
    }

    private static String arch(String export) {
        return export.substring(0, export.lastIndexOf("_opset"));
    }

    private static ModelProto read(Path p) {
        try {
            return OnnxModelReader.parse(Files.readAllBytes(p), p.getFileName().toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Path reference(String arch) {
        return arch.equals("legacy_ops") ? resource("opsets").resolve("legacy_ops_opset13.onnx")
                : resource("fixtures").resolve(arch + ".onnx");
    }

    private static FloatTensor input(String arch) {
        if (!arch.equals("legacy_ops")) {
            return Npy.read(resource("fixtures").resolve(arch).resolve("input.npy"));
        }
        Random r = new Random(7);
        float[] d = new float[2 * 3 * 32 * 32];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) r.nextGaussian();
        }
        return FloatTensor.wrapOwned(Shape.of(2, 3, 32, 32), d);
    }

    private static float[] logits(ModelProto m, FloatTensor x) {
        try (OrtRunner r = new OrtRunner(m)) {
            long[] dims = {2, 3, 32, 32};
            return r.run(Map.of("input", x.toArray()), Map.of("input", dims), List.of("logits")).get("logits");
        }
    }

    private static double relativeError(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exports")
    void forwardOutputsAreUnchangedByConversion(String export) {
        ModelProto old = read(resource("opsets").resolve(export + ".onnx"));
        ModelProto converted = OpsetConverter.upgrade(old, OpsetConverter.TARGET);
        assertEquals(OpsetConverter.TARGET, OnnxFormat.opset(converted));
        FloatTensor x = input(arch(export));
        float[] before = logits(old, x);
        float[] after = logits(converted, x);
        assertTrue(relativeError(after, before) < 1e-6, export + ": converted logits differ from the original's by "
                + relativeError(after, before));
        // The same weights exported at a new opset by torch itself: an independent check of the old export.
        double vsNew = relativeError(before, logits(read(reference(arch(export))), x));
        assertTrue(vsNew < 1e-5, export + " vs the new-opset export: " + vsNew);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exports")
    void gradCamOnOldExportsEqualsTheNewOpsetExport(String export) {
        String arch = arch(export);
        FloatTensor x = input(arch);
        try (OnnxModel old = OnnxModel.load(resource("opsets").resolve(export + ".onnx"), Map.of("executionProvider",
                "cpu")); OnnxModel ref = OnnxModel.load(reference(arch), Map.of("executionProvider", "cpu"))) {
            Explanation a = explain(old, arch, x);
            Explanation b = explain(ref, arch, x);
            assertEquals(b.rawMaps().shape(), a.rawMaps().shape());
            double err = a.rawMaps().relativeError(b.rawMaps());
            assertTrue(b.rawMaps().norm() > 0 && err < 1e-4, export + ": Grad-CAM relative L2 error " + err);
        }
    }

    private static Explanation explain(OnnxModel m, String arch, FloatTensor x) {
        return Explainer.of(m, CamMethods.gradCam()).activation(MapActivation.SIGNED)
                .normalization(Normalizations.none()).upsample(false).layer(LAYER.get(arch)).build()
                .explain(x, TARGETS);
    }
}
