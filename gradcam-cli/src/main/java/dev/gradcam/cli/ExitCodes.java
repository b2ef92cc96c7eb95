package dev.gradcam.cli;

/**
 * The {@code gradcam} tool's exit codes, so scripts can tell a typo from a missing file from a broken model.
 */
public final class ExitCodes {

    /** Success. */
    public static final int OK = 0;
    /** An unexpected failure while running (a backend error, an I/O error writing results). */
    public static final int FAILURE = 1;
    /** Bad command-line arguments: unknown option, malformed value, missing required option. */
    public static final int USAGE = 2;
    /** A model, image, folder or {@code .npy} file that does not exist or cannot be read. */
    public static final int NOT_FOUND = 3;
    /** A layer, method or model output name that the model or the library does not know. */
    public static final int UNKNOWN_NAME = 4;
    /** No backend can run the model, or the backend lacks what the method needs. */
    public static final int UNSUPPORTED = 5;
    /** Input data that does not fit the model (shape, channels, batch) or the target. */
    public static final int INVALID_INPUT = 6;

    private ExitCodes() {
    }

    /** The lines of the exit-code section of {@code --help}, as {@code code:description} pairs for picocli. */
    static String[] helpList() {
        return new String[] {
            OK + ":Success.",
            FAILURE + ":Failure while running (backend or I/O error).",
            USAGE + ":Bad arguments.",
            NOT_FOUND + ":Missing or unreadable model, image, folder or .npy file.",
            UNKNOWN_NAME + ":Unknown layer, method or model output.",
            UNSUPPORTED + ":No usable backend, or the backend lacks what the method needs.",
            INVALID_INPUT + ":Input that does not fit the model or the target.",
        };
    }
}
