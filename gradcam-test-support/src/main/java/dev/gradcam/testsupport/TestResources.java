package dev.gradcam.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;

/** Resources on the test class path, as files or bytes, failing with the name when one is missing. */
public final class TestResources {

    private TestResources() {
    }

    /**
     * A resource directory or file of the test class path as a path, e.g. {@code /dev/gradcam/onnx/methods}.
     * Test resources are directories on disk during a build, so the path can be listed and read with {@code Files}.
     *
     * @param name an absolute resource name (leading slash)
     * @throws IllegalStateException if it is not on the class path, or is inside a jar
     */
    public static Path path(String name) {
        URL url = TestResources.class.getResource(name);
        if (url == null) {
            throw new IllegalStateException(name + " is not on the test class path");
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
            throw new IllegalStateException(name + " is not a file on disk (" + url + ")", e);
        }
    }

    /**
     * A resource's bytes, from a directory or a jar (e.g. a model shipped in a Maven dependency).
     *
     * @param name a resource name relative to the class path root (no leading slash)
     * @throws IllegalStateException if it is not on the class path
     */
    public static byte[] bytes(String name) {
        try (InputStream in = TestResources.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the test class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }
}
