package dev.gradcam.cli;

import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.image.Preprocessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/** Opens what {@code --input} names: an image file, a folder of images (sorted by name) or a {@code .npy} tensor. */
final class InputSources {

    /** File extensions read from folders. */
    static final Set<String> IMAGE_EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    private InputSources() {
    }

    /**
     * The input at {@code path}.
     *
     * @throws ModelLoadException if the path does not exist, or is a folder without images
     */
    static InputSource open(Path path, Preprocessing preprocessing) {
        if (Files.isDirectory(path)) {
            List<Path> images = imagesIn(path);
            if (images.isEmpty()) {
                throw new ModelLoadException("folder " + path.toAbsolutePath() + " contains no images ("
                        + String.join(", ", IMAGE_EXTENSIONS.stream().sorted().toList()) + ")");
            }
            return ImageInputs.files(images, preprocessing, path.toString());
        }
        if (!Files.isRegularFile(path)) {
            throw new ModelLoadException("input not found: " + path.toAbsolutePath()
                    + " (expected an image, a folder of images or a .npy file)");
        }
        if (extension(path).equals("npy")) {
            return NpyInput.read(path);
        }
        return ImageInputs.files(List.of(path), preprocessing, path.toString());
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
