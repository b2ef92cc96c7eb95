package dev.gradcam.nd4j.internal;

import dev.gradcam.api.BackendUnavailableException;
import dev.gradcam.api.spi.BackendProvider.Availability;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.bytedeco.javacpp.Loader;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts ND4J's native backend once per JVM, quietly, and remembers whether that worked and why not.
 *
 * <p>Quiet by default: unless the user set it, the system property {@value #LOG_INIT_PROPERTY} is set to
 * {@code false} before ND4J starts, which stops ND4J from logging its build and BLAS details at INFO; anything the
 * start prints to {@code System.out} is dropped (see {@link StdoutSilencer}). Thread-safe.
 */
public final class Nd4jRuntime {

    /** ND4J's switch for logging its start-up details. */
    public static final String LOG_INIT_PROPERTY = "org.nd4j.log.initialization";

    private static final Logger LOG = LoggerFactory.getLogger(Nd4jRuntime.class);
    private static final Object LOCK = new Object();
    private static volatile Availability availability;
    private static volatile String executionProvider = "CPU";

    private Nd4jRuntime() {
    }

    /**
     * Whether ND4J's native backend starts on this machine; the first call starts it (about 2 s cold, then cached).
     */
    public static Availability availability() {
        Availability a = availability;
        if (a != null) {
            return a;
        }
        synchronized (LOCK) {
            if (availability == null) {
                availability = start();
            }
            return availability;
        }
    }

    /**
     * Starts the backend if needed.
     *
     * @throws BackendUnavailableException with the reason when the native backend cannot start
     */
    public static void ensureStarted() {
        Availability a = availability();
        if (!a.available()) {
            throw new BackendUnavailableException("the ND4J backend cannot start: " + a.reason());
        }
    }

    /** Where ND4J runs, e.g. {@code CPU} or {@code CUDA}. */
    public static String executionProvider() {
        ensureStarted();
        return executionProvider;
    }

    /** Versions and settings for provenance. */
    public static Map<String, String> provenance() {
        ensureStarted();
        Map<String, String> p = new LinkedHashMap<>();
        p.put("nd4j", nd4jVersion());
        p.put("nd4j.backend", Nd4j.getBackend().getClass().getSimpleName());
        p.put("nd4j.natives", nativesVariant());
        p.put("os", System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        return p;
    }

    /** ND4J's version from its jar's Maven metadata, or {@code unknown}. */
    public static String nd4jVersion() {
        try (InputStream in = Nd4j.class.getResourceAsStream("/META-INF/maven/org.nd4j/nd4j-api/pom.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                return p.getProperty("version", "unknown");
            }
        } catch (IOException e) {
            LOG.debug("cannot read ND4J's version", e);
        }
        String v = Nd4j.class.getPackage().getImplementationVersion();
        return v == null ? "unknown" : v;
    }

    /**
     * Which build of ND4J's native library was loaded, e.g. {@code linux-x86_64-onednn}: JavaCPP unpacks each
     * classifier's libraries into a folder named after it, so the loaded library's folder tells the variant.
     */
    static String nativesVariant() {
        for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
            if (e.getKey().contains("nd4jcpu") || e.getKey().contains("nd4jcuda")) {
                Path dir = Path.of(e.getValue()).getParent();
                return dir == null ? "unknown" : dir.getFileName().toString();
            }
        }
        return "unknown";
    }

    private static Availability start() {
        if (System.getProperty(LOG_INIT_PROPERTY) == null) {
            System.setProperty(LOG_INIT_PROPERTY, "false");
        }
        long t0 = System.nanoTime();
        try {
            String backend = StdoutSilencer.call(() -> {
                Nd4j.scalar(1f).addi(1f); // forces the native library to load and run one op
                return Nd4j.getBackend().getClass().getSimpleName();
            });
            executionProvider = backend.toLowerCase(Locale.ROOT).contains("cuda") ? "CUDA" : "CPU";
            LOG.debug("ND4J {} started ({}) in {} ms", nd4jVersion(), backend, (System.nanoTime() - t0) / 1_000_000);
            return Availability.yes("ND4J " + nd4jVersion() + " on " + executionProvider);
        } catch (Throwable e) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError, ...
            String reason = describe(e);
            LOG.debug("ND4J cannot start: {}", reason, e);
            return Availability.no(reason);
        }
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage()
                + " (ND4J needs its native library for this platform, " + System.getProperty("os.name") + " "
                + System.getProperty("os.arch") + ": org.nd4j:nd4j-native with classifier linux-x86_64 and "
                + "org.bytedeco:openblas with classifier linux-x86_64 are what gradcam-nd4j brings for Linux x86-64)";
    }
}
