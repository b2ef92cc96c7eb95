package dev.gradcam.api;

import java.util.Map;

/**
 * Where an explanation came from, so that a saved result can be reproduced.
 *
 * @param method            the method's kebab-case name, e.g. {@code grad-cam}
 * @param layer             the resolved layer (tensor name)
 * @param backend           the backend's name
 * @param executionProvider where it ran, e.g. {@code CPU}
 * @param gradientMode      the gradient mode used
 * @param libraryVersion    this library's version
 * @param details           backend versions and settings
 */
public record Provenance(String method, String layer, String backend, String executionProvider, String gradientMode,
                         String libraryVersion, Map<String, String> details) {
    public Provenance {
        InvalidArgumentException.requireNonNull(method, "method");
        InvalidArgumentException.requireNonNull(layer, "layer");
        InvalidArgumentException.requireNonNull(backend, "backend");
        InvalidArgumentException.requireNonNull(executionProvider, "executionProvider");
        InvalidArgumentException.requireNonNull(gradientMode, "gradientMode");
        InvalidArgumentException.requireNonNull(libraryVersion, "libraryVersion");
        details = Map.copyOf(InvalidArgumentException.requireNonNull(details, "details"));
    }
}
