package dev.gradcam.api;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** This library's version, read from a resource Maven fills in at build time. */
public final class LibraryVersion {

    private static final String VERSION = load();

    private LibraryVersion() {
    }

    /** The version, e.g. {@code 0.1.0-SNAPSHOT}, or {@code unknown} when run from unfiltered sources. */
    public static String get() {
        return VERSION;
    }

    private static String load() {
        try (InputStream in = LibraryVersion.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            String v = p.getProperty("version", "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
