package dev.gradcam.nd4j.onnx;

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
 * The PyTorch reference fixtures of the ONNX module (ONNX models plus activations and gradients as .npy), read from
 * the file system next to this module. See make_fixtures.py there for how they were made.
 */
final class Fixtures {

    /**
     * Where the fixtures live, relative to this module (surefire runs in the module directory). They are part of this
     * repository, so a missing directory is an error, not a reason to skip: a skip would hide a moved fixture tree.
     */
    private static final Path ROOT = Path.of("../gradcam-onnx/runtime/src/test/resources/dev/gradcam/onnx/fixtures");

    private static final Pattern TAP = Pattern.compile(
            "\"module\"\\s*:\\s*\"([^\"]+)\"\\s*,\\s*\"onnx_tensor\"\\s*:\\s*\"([^\"]+)\"");

    private static final Pattern CLASSES = Pattern.compile("\"classes\"\\s*:\\s*\\[([^\\]]*)\\]");

    private Fixtures() {
    }

    private static String manifest(String arch) {
        try {
            return Files.readString(root().resolve(arch).resolve("manifest.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The fixtures directory. */
    private static Path root() {
        if (!Files.isDirectory(ROOT)) {
            throw new IllegalStateException("the ONNX module's fixtures are not at " + ROOT.toAbsolutePath().normalize()
                    + " (tests must run in the gradcam-nd4j directory)");
        }
        return ROOT;
    }

    /** The ONNX file of an architecture. */
    static Path model(String arch) {
        return root().resolve(arch + ".onnx");
    }

    /** An array of an architecture, e.g. {@code input} or {@code grad__layer4}. */
    static FloatTensor array(String arch, String name) {
        return Npy.read(root().resolve(arch).resolve(name + ".npy"));
    }

    /**
     * A tapped layer of a fixture.
     *
     * @param module the PyTorch module path, e.g. {@code layer2.0}
     * @param tensor the ONNX tensor name
     */
    record Tap(String module, String tensor) {
    }

    /** The class explained for each image (the target is the sum of these logits). */
    static int[] classes(String arch) {
        Matcher m = CLASSES.matcher(manifest(arch));
        if (!m.find()) {
            throw new IllegalStateException("no classes in the manifest of " + arch);
        }
        return Arrays.stream(m.group(1).split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    /** The taps listed in an architecture's manifest. */
    static List<Tap> taps(String arch) {
        String json = manifest(arch);
        List<Tap> taps = new ArrayList<>();
        Matcher m = TAP.matcher(json);
        while (m.find()) {
            taps.add(new Tap(m.group(1), m.group(2)));
        }
        return taps;
    }
}
