package dev.gradcam.cli;

import picocli.CommandLine.Option;

/** Options every command takes: how much to print. */
final class CommonOptions {

    /** slf4j-simple's level property; it is read when the first logger is made. */
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    /** The ONNX backend's "runs on CPU/CUDA because ..." line, at INFO in simplelogger.properties. */
    private static final String PROVIDER_LOG_LEVEL = "org.slf4j.simpleLogger.log.dev.gradcam.onnx.runtime.OnnxModel";

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces of errors and more detail.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Print no progress bar and no warnings.")
    boolean quiet;

    /**
     * Applies the options before any work starts (slf4j-simple reads these properties when a logger is first made):
     * {@code --verbose} lets the backends log what they decide, {@code --quiet} silences the execution provider line.
     */
    void apply() {
        if (verbose && System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "info");
        }
        if (quiet && System.getProperty(PROVIDER_LOG_LEVEL) == null) {
            System.setProperty(PROVIDER_LOG_LEVEL, "warn");
        }
    }
}
