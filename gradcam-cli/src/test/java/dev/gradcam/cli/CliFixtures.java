package dev.gradcam.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CLI tests' fixtures (models, inputs, PyTorch references under {@code src/test/resources/dev/gradcam/cli}, made
 * by the scripts named in that folder's README) copied into a folder, because the tool reads files from disk the way
 * a user's shell hands them over.
 */
final class CliFixtures {

    private CliFixtures() {
    }

    /** {@code folder/resource}, copied from the class path the first time it is asked for. */
    static Path copy(Path folder, String resource) throws IOException {
        Path target = folder.resolve(resource);
        if (Files.exists(target)) {
            return target;
        }
        try (InputStream in = CliFixtures.class.getResourceAsStream("/dev/gradcam/cli/" + resource)) {
            if (in == null) {
                throw new UncheckedIOException(new IOException("no test fixture " + resource + " on the class path"));
            }
            Files.copy(in, target);
        }
        return target;
    }
}
