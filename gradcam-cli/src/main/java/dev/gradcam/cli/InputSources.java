package dev.gradcam.cli;

import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.image.Preprocessing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Opens what {@code --input} names: an image file, a folder of images (sorted by name) or a {@code .npy} tensor. */
final class InputSources {

    /** File extensions read from folders. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    /** The shape in a .npy header: its first dim, then the others with their commas. */
    private static final Pattern NPY_SHAPE = Pattern.compile("'shape':\\s*\\((\\d+)((?:\\s*,\\s*\\d+)*)");

    private InputSources() {
    }

    /**
     * The input at {@code path}.
     *
     * @throws ModelLoadException if the path does not exist, or is a folder without images
     */
    static InputSource open(Path path, Preprocessing preprocessing) {
        return open(path, preprocessing, ReadAhead.NONE);
    }

    /**
     * The input at {@code path}, its first image taken from {@code ahead} when that read it.
     *
     * @throws ModelLoadException if the path does not exist, or is a folder without images
     */
    static InputSource open(Path path, Preprocessing preprocessing, ReadAhead ahead) {
        if (Files.isDirectory(path)) {
            List<Path> images = imagesIn(path);
            if (images.isEmpty()) {
                throw new ModelLoadException("folder " + path.toAbsolutePath() + " contains no images ("
                        + String.join(", ", IMAGE_EXTENSIONS.stream().sorted().toList()) + ")");
            }
            return ImageInputs.files(images, preprocessing, path.toString(), ahead);
        }
        if (!Files.isRegularFile(path)) {
            throw new ModelLoadException("input not found: " + path.toAbsolutePath()
                    + " (expected an image, a folder of images or a .npy file)");
        }
        if (extension(path).equals("npy")) {
            return NpyInput.read(path);
        }
        return ImageInputs.files(List.of(path), preprocessing, path.toString(), ahead);
    }

    /**
     * How many images the input at {@code path} holds, read cheaply before the model is loaded (a folder's listing, a
     * {@code .npy} file's header): 1 for a single image, and for anything {@link #open} would refuse.
     */
    static int count(Path path) {
        try {
            if (Files.isDirectory(path)) {
                return Math.max(1, imagesIn(path).size());
            }
            if (Files.isRegularFile(path) && extension(path).equals("npy")) {
                byte[] head = new byte[1024];
                int n;
                try (InputStream in = Files.newInputStream(path)) {
                    n = in.readNBytes(head, 0, head.length);
                }
                Matcher m = NPY_SHAPE.matcher(new String(head, 0, n, StandardCharsets.ISO_8859_1));
                if (!m.find()) {
                    return 1;
                }
                long rank = 1 + m.group(2).chars().filter(c -> c == ',').count();
                return rank >= 4 ? Integer.parseInt(m.group(1)) : 1; // [C, H, W] is one image, [N, C, H, W] N
            }
        } catch (IOException | RuntimeException e) {
            return 1; // open() reports what is wrong
        }
        return 1;
    }

    /**
     * The image {@link #open} lists first for {@code path} (the path itself, or a folder's first image), or null when
     * it lists none (a {@code .npy} file, a missing path: {@code open} reports those).
     */
    static Path firstImage(Path path) {
        try {
            if (Files.isDirectory(path)) {
                List<Path> images = imagesIn(path);
                return images.isEmpty() ? null : images.get(0);
            }
            return Files.isRegularFile(path) && !extension(path).equals("npy") ? path : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static List<Path> imagesIn(Path folder) {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(Files::isRegularFile)
                    .filter(p -> IMAGE_EXTENSIONS.contains(extension(p)))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new ModelLoadException("cannot list folder " + folder.toAbsolutePath() + ": " + e, e);
        }
    }

    private static String extension(Path p) {
        String name = p.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? "" : name.substring(dot + 1).toLowerCase(Locale.ROOT);
    }
}
