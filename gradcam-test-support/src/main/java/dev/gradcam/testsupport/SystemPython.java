package dev.gradcam.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Debian's system interpreter, {@code /usr/bin/python3}, which the heavy tests use to export models and compute
 * references with {@code python3-torch} (the first {@code python3} on PATH may be another one, without it).
 */
public final class SystemPython {

    /** The interpreter Debian's {@code python3-*} packages install for. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private SystemPython() {
    }

    /** True when the interpreter exists and imports every one of {@code modules} (e.g. "torch", "torchvision"). */
    public static boolean imports(String... modules) {
        if (!Files.isExecutable(PYTHON)) {
            return false;
        }
        try {
            return new ProcessBuilder(PYTHON.toString(), "-c", "import " + String.join(", ", modules)).start()
                    .waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Runs {@code script} with {@code args}, its output on this process's.
     *
     * @throws AssertionError if it exits with a non-zero status
     */
    public static void run(Path script, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        command.addAll(List.of(args));
        int status;
        try {
            status = new ProcessBuilder(command).inheritIO().start().waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted: " + command, e);
        }
        if (status != 0) {
            throw new AssertionError("python script failed (exit " + status + "): " + String.join(" ", command));
        }
    }
}
