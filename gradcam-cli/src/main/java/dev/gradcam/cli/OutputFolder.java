package dev.gradcam.cli;

import dev.gradcam.api.GradCamException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The {@code --out} folder rules: a run never mixes its files with another run's. An existing non-empty folder is
 * refused unless {@code --overwrite} is given; then the files the previous run listed in its {@code summary.json}
 * ({@code "files"}) are removed first, and nothing else is touched.
 */
final class OutputFolder {

    static final String SUMMARY = "summary.json";
    private static final Pattern FILES = Pattern.compile("\"files\"\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern STRING = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private OutputFolder() {
    }

    /**
     * Makes {@code dir} ready for a run.
     *
     * @return the previous run's files removed (empty unless overwriting)
     * @throws IllegalArgumentException if the folder holds files and {@code overwrite} is false, or is not a folder
     * @throws GradCamException         if a previous file cannot be removed
     */
    static List<Path> prepare(Path dir, boolean overwrite) {
        if (!Files.exists(dir)) {
            return List.of();
        }
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--out " + dir + " is a file, not a folder");
        }
        if (isEmpty(dir)) {
            return List.of();
        }
        if (!overwrite) {
            throw new IllegalArgumentException("--out " + dir.toAbsolutePath() + " is not empty; give --overwrite to "
                    + "replace the previous run's files (those its " + SUMMARY + " lists), or choose another folder");
        }
        List<Path> removed = new ArrayList<>();
        Path summary = dir.resolve(SUMMARY);
        try {
            if (Files.isRegularFile(summary)) {
                for (String name : listedFiles(Files.readString(summary, StandardCharsets.UTF_8))) {
                    Path f = dir.resolve(name).normalize();
                    // Only plain names inside the folder: a summary cannot make us delete anything else.
                    if (f.getParent() != null && f.getParent().equals(dir.normalize()) && Files.isRegularFile(f)) {
                        Files.delete(f);
                        removed.add(f);
                    }
                }
                if (Files.deleteIfExists(summary)) {
                    removed.add(summary);
                }
            }
        } catch (IOException e) {
            throw new GradCamException("cannot remove the previous run's files in " + dir.toAbsolutePath() + ": " + e,
                    e);
        }
        return removed;
    }

    /** The names in a summary's {@code "files"} array. */
    static List<String> listedFiles(String summaryJson) {
        Matcher m = FILES.matcher(summaryJson);
        List<String> names = new ArrayList<>();
        if (m.find()) {
            Matcher s = STRING.matcher(m.group(1));
            while (s.find()) {
                names.add(s.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
        }
        return names;
    }

    private static boolean isEmpty(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        } catch (IOException e) {
            throw new GradCamException("cannot read output folder " + dir.toAbsolutePath() + ": " + e, e);
        }
    }
}
