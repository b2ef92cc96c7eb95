package dev.gradcam.cli.testing;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.spi.BackendProvider;
import dev.gradcam.api.testing.InMemoryCnn;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * A test backend: loads gradcam-api's pure-Java {@link InMemoryCnn} from a {@code .inmem} properties file
 * ({@code seed}, {@code channels}, {@code filters}, {@code classes}, {@code height}, {@code width}), so the command
 * line and the examples can be tested without a native backend. Accepts no other file.
 */
public final class InMemoryBackendProvider implements BackendProvider {

    /** The extension this backend reads. */
    public static final String EXTENSION = ".inmem";

    @Override
    public String name() {
        return "inmemory";
    }

    @Override
    public int priority() {
        return 1000;
    }

    @Override
    public Availability availability() {
        return Availability.yes("pure Java, tests only");
    }

    @Override
    public boolean accepts(Path model) {
        return model.getFileName().toString().endsWith(EXTENSION);
    }

    @Override
    public DifferentiableModel load(Path model, Map<String, String> options) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(model)) {
            p.load(r);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + model + ": " + e, e);
        }
        return InMemoryCnn.random(Long.parseLong(p.getProperty("seed", "1")),
                Integer.parseInt(p.getProperty("channels", "3")), Integer.parseInt(p.getProperty("filters", "4")),
                Integer.parseInt(p.getProperty("classes", "3")), Integer.parseInt(p.getProperty("height", "8")),
                Integer.parseInt(p.getProperty("width", "8")));
    }

    /** Writes a model file for {@link #load} into {@code dir}. */
    public static Path write(Path dir, String name, int channels, int filters, int classes, int height, int width)
            throws IOException {
        Path f = dir.resolve(name + EXTENSION);
        Files.writeString(f, "seed=7\nchannels=" + channels + "\nfilters=" + filters + "\nclasses=" + classes
                + "\nheight=" + height + "\nwidth=" + width + "\n");
        return f;
    }
}
