package dev.gradcam.it;

import dev.gradcam.api.io.Npy;
import dev.gradcam.api.tensor.FloatTensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PyTorch fixture architectures of the ONNX backend (made by {@code make_fixtures.py} there), read in place from
 * {@code ../gradcam-onnx/runtime/src/test/resources/dev/gradcam/onnx/fixtures}: surefire runs in this module's
 * directory, so nothing is copied. Per architecture: {@code ARCH.onnx}, and in {@code ARCH/} a {@code manifest.json}
 * (taps as PyTorch module paths and ONNX tensor names, target classes), {@code input.npy}, {@code seed.npy} (the
 * gradient of the target with respect to the logits) and the float64-computed reference arrays.
 */
final class Fixtures {

    /** The eight architectures, each exercising different operators. */
    static final List<String> ARCHITECTURES = List.of("vgg", "resnet_basic", "resnet_bottleneck", "densenet",
            "mobilenetv2", "squeezenet", "efficientnet", "convnext");

    static final Path ROOT = Path.of("../gradcam-onnx/runtime/src/test/resources/dev/gradcam/onnx/fixtures");

    private static final Pattern TAP = Pattern.compile("\"module\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*"
            + "\"onnx_tensor\"\\s*:\\s*\"([^\"]+)\"[^}]*?\"maxpool_zero_ties\"\\s*:\\s*(\\d+)");
    private static final Pattern CLASSES = Pattern.compile("\"classes\"\\s*:\\s*\\[([^\\]]*)\\]");

    private Fixtures() {
    }

    /**
     * One tapped layer of a fixture.
     *
     * @param arch           the architecture
     * @param module         the PyTorch module path, e.g. {@code layer2.0}
     * @param tensor         the ONNX tensor the module path resolves to
     * @param maxPoolZeroTies how many windows of a max-pool fed by this tap have an exact zero maximum reached more
     *                       than once (where the gradient's routing depends on the pool's tie rule)
     */
    record Tap(String arch, String module, String tensor, int maxPoolZeroTies) {
        @Override
        public String toString() {
            return arch + " " + module;
        }
    }

    static Path model(String arch) {
        return ROOT.resolve(arch + ".onnx");
    }

    /** An array of an architecture by file stem, e.g. {@code input} or {@code grad__layer2.0}. */
    static FloatTensor array(String arch, String stem) {
        return Npy.read(ROOT.resolve(arch).resolve(stem + ".npy"));
    }

    /** The taps of an architecture's manifest, in its order (shallow to deep). */
    static List<Tap> taps(String arch) {
        Matcher m = TAP.matcher(manifest(arch));
        List<Tap> taps = new ArrayList<>();
        while (m.find()) {
            taps.add(new Tap(arch, m.group(1), m.group(2), Integer.parseInt(m.group(3))));
        }
        if (taps.isEmpty()) {
            throw new IllegalStateException("no taps in the manifest of " + arch);
        }
        return taps;
    }

    /** Every tap of every architecture. */
    static List<Tap> allTaps() {
        return ARCHITECTURES.stream().flatMap(a -> taps(a).stream()).toList();
    }

    /** The class explained for each image; the fixture's target is the sum of these logits. */
    static int[] classes(String arch) {
        Matcher m = CLASSES.matcher(manifest(arch));
        if (!m.find()) {
            throw new IllegalStateException("no classes in the manifest of " + arch);
        }
        return Arrays.stream(m.group(1).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    private static String manifest(String arch) {
        try {
            return Files.readString(ROOT.resolve(arch).resolve("manifest.json"));
        } catch (IOException e) {
            throw new UncheckedIOException("fixture manifest of " + arch + " not found under "
                    + ROOT.toAbsolutePath().normalize() + " (tests must run in the integration-tests directory)", e);
        }
    }
}
