package dev.gradcam.spark.cli;

import dev.gradcam.api.BackendUnavailableException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JVM options Spark needs on Java 17+ ({@code java-options.txt} beside this class, as Spark's launcher adds them),
 * and a check that they are in effect, so a plain {@code java} run fails with what to add instead of Spark's
 * {@code IllegalAccessError} deep in its start-up.
 */
final class JavaOptions {

    private JavaOptions() {
    }

    /** The options, one per element. */
    static List<String> list() {
        try (InputStream in = JavaOptions.class.getResourceAsStream("java-options.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().map(String::strip)
                    .filter(l -> !l.isEmpty()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Checks that {@code java.base} opens {@code sun.nio.ch} to this code, as {@code --add-opens} does (Spark's
     * memory manager needs it first).
     *
     * @throws BackendUnavailableException if not, listing the options to add
     */
    static void check() {
        Module base = Object.class.getModule();
        if (!base.isOpen("sun.nio.ch", JavaOptions.class.getModule())) {
            throw new BackendUnavailableException("Spark on Java 17+ needs JVM options that this JVM was started "
                    + "without (spark-submit adds them itself). Add them to the java command line:\n  "
                    + String.join(" ", list()));
        }
    }
}
