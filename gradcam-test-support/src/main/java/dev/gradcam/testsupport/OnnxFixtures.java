package dev.gradcam.testsupport;

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
 * The ONNX backend's PyTorch reference fixtures (made by {@code make_fixtures.py} beside them), read in place from
 * {@code gradcam-onnx/runtime/src/test/resources/dev/gradcam/onnx/fixtures}: nothing is copied. Per architecture:
 * {@code ARCH.onnx}, and in {@code ARCH/} a {@code manifest.json} (taps as PyTorch module paths and ONNX tensor names,
 * target classes), {@code input.npy}, {@code seed.npy} (the gradient of the target with respect to the logits) and
 * the float64-computed reference arrays. Found from any module's directory (surefire's working directory) by walking
 * up to the repository root; they are part of the repository, so a missing tree is an error, never a skip.
 */
public final class OnnxFixtures {

    /** The eight architectures, each exercising different operators. */
    public static final List<String> ARCHITECTURES = List.of("vgg", "resnet_basic", "resnet_bottleneck", "densenet",
            "mobilenetv2", "squeezenet", "efficientnet", "convnext");

    private static final Path IN_REPOSITORY = Path.of("gradcam-onnx", "runtime", "src", "test", "resources", "dev",
            "gradcam", "onnx", "fixtures");
    private static final Pattern TAP = Pattern.compile("\"module\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*"
            + "\"onnx_tensor\"\\s*:\\s*\"([^\"]+)\"[^}]*?\"maxpool_zero_ties\"\\s*:\\s*(\\d+)");
    private static final Pattern CLASSES = Pattern.compile("\"classes\"\\s*:\\s*\\[([^\\]]*)\\]");

    private OnnxFixtures() {
    }

    /**
     * One tapped layer of a fixture.
     *
     * @param arch            the architecture
     * @param module          the PyTorch module path, e.g. {@code layer2.0}
     * @param tensor          the ONNX tensor the module path resolves to
     * @param maxPoolZeroTies how many windows of a max-pool fed by this tap have an exact zero maximum reached more
     *                        than once (where the gradient's routing depends on the pool's tie rule)
     */
    public record Tap(String arch, String module, String tensor, int maxPoolZeroTies) {
        @Override
        public String toString() {
            return arch + " " + module;
        }
    }

    /** The fixtures directory. */
    public static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path candidate = d.resolve(IN_REPOSITORY);
            if (Files.isDirectory(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("the ONNX reference fixtures (" + IN_REPOSITORY + ") are not under " + dir
                + " or any directory above it; run the tests inside the repository");
    }

    /** The ONNX file of an architecture. */
    public static Path model(String arch) {
        return root().resolve(arch + ".onnx");
    }

    /** An array of an architecture by file stem, e.g. {@code input} or {@code grad__layer2.0}. */
    public static FloatTensor array(String arch, String stem) {
        return Npy.read(root().resolve(arch).resolve(stem + ".npy"));
    }

    /** The taps of an architecture's manifest, in its order (shallow to deep). */
    public static List<Tap> taps(String arch) {
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
    public static List<Tap> allTaps() {
        return ARCHITECTURES.stream().flatMap(a -> taps(a).stream()).toList();
    }

    /** The class explained for each image; the fixture's target is the sum of these logits. */
    public static int[] classes(String arch) {
        Matcher m = CLASSES.matcher(manifest(arch));
        if (!m.find()) {
            throw new IllegalStateException("no classes in the manifest of " + arch);
        }
        return Arrays.stream(m.group(1).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    private static String manifest(String arch) {
        Path file = root().resolve(arch).resolve("manifest.json");
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("fixture manifest of " + arch + " not readable at " + file, e);
        }
    }
}
