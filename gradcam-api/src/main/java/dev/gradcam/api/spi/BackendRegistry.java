package dev.gradcam.api.spi;

import dev.gradcam.api.DifferentiableModel;

import dev.gradcam.api.BackendUnavailableException;
import dev.gradcam.api.InvalidArgumentException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Chooses a {@link BackendProvider}: the one named by the system property {@value #PROPERTY}, else the available
 * provider with the highest priority that accepts the model. Never falls back silently: when nothing fits, the error
 * lists every provider seen and why it was skipped.
 */
public final class BackendRegistry {

    /** System property that forces a backend by name. */
    public static final String PROPERTY = "gradcam.backend";

    private BackendRegistry() {
    }

    /** Every provider on the class path, highest priority first. */
    public static List<BackendProvider> providers() {
        return providers(Thread.currentThread().getContextClassLoader());
    }

    static List<BackendProvider> providers(ClassLoader loader) {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader<BackendProvider> sl = ServiceLoader.load(BackendProvider.class,
                loader == null ? BackendRegistry.class.getClassLoader() : loader);
        var it = sl.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                // A provider that cannot even be instantiated is reported when nothing else works.
                found.add(new BrokenProvider(e));
            }
        }
        found.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return found;
    }

    /**
     * Chooses the provider for {@code model}.
     *
     * @param forced a backend name, or null to use {@value #PROPERTY} or choose automatically
     * @throws BackendUnavailableException listing what was found and why each was skipped
     */
    public static BackendProvider choose(Path model, String forced) {
        return choose(providers(), model, forced != null ? forced : System.getProperty(PROPERTY));
    }

    /** As {@link #choose(Path, String)}, over an explicit provider list (for tests and containers). */
    public static BackendProvider choose(List<BackendProvider> providers, Path model, String forced) {
        InvalidArgumentException.requireNonNull(providers, "providers");
        List<String> skipped = new ArrayList<>();
        for (BackendProvider p : providers) {
            if (forced != null && !forced.isBlank() && !p.name().equalsIgnoreCase(forced.trim())) {
                skipped.add(p.name() + ": not the forced backend '" + forced + "'");
                continue;
            }
            BackendProvider.Availability a = p.availability();
            if (!a.available()) {
                skipped.add(p.name() + ": unavailable (" + a.reason() + ")");
                continue;
            }
            if (model != null && !p.accepts(model)) {
                skipped.add(p.name() + ": does not read " + model.getFileName());
                continue;
            }
            return p;
        }
        StringBuilder msg = new StringBuilder("no usable gradcam backend");
        if (model != null) {
            msg.append(" for ").append(model);
        }
        if (forced != null && !forced.isBlank()) {
            msg.append(" (forced with -D" + PROPERTY + "=").append(forced).append(')');
        }
        if (providers.isEmpty()) {
            msg.append(": none found on the class path. Add dev.gradcam:gradcam-onnx or dev.gradcam:gradcam-nd4j "
                    + "as a dependency.");
        } else {
            msg.append(". Found: ").append(String.join("; ", skipped));
            if (model != null && looksLikeOnnx(model) && !model.getFileName().toString().endsWith(".onnx")) {
                msg.append(". Backends are chosen by file extension, and ").append(model.getFileName())
                        .append(" starts like an ONNX model: rename it to end in .onnx");
            }
        }
        throw new BackendUnavailableException(msg.toString());
    }

    /**
     * Whether a file starts like an ONNX ModelProto: field 1 ({@code ir_version}, a small varint) first, as every
     * exporter writes it. A hint for the message only, never a reason to load.
     */
    private static boolean looksLikeOnnx(Path model) {
        try (java.io.InputStream in = java.nio.file.Files.newInputStream(model)) {
            byte[] head = in.readNBytes(3);
            // Then producer_name (0x12), producer_version (0x1a), graph (0x3a) or opset_import (0x42).
            return head.length == 3 && head[0] == 0x08 && head[1] > 0 && head[1] <= 20
                    && (head[2] == 0x12 || head[2] == 0x1a || head[2] == 0x3a || head[2] == 0x42);
        } catch (java.io.IOException | RuntimeException e) {
            return false;
        }
    }

    private record BrokenProvider(ServiceConfigurationError error) implements BackendProvider {
        @Override
        public String name() {
            return "<broken provider>";
        }

        @Override
        public int priority() {
            return Integer.MIN_VALUE;
        }

        @Override
        public Availability availability() {
            return Availability.no("could not be instantiated: " + error.getMessage());
        }

        @Override
        public boolean accepts(Path model) {
            return false;
        }

        @Override
        public DifferentiableModel load(Path model, java.util.Map<String, String> options) {
            throw new BackendUnavailableException("provider could not be instantiated", error);
        }
    }
}
