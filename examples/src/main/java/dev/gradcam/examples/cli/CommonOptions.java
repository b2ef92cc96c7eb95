package dev.gradcam.examples.cli;

import picocli.CommandLine.Option;

/** Options every command takes: how much to print. */
final class CommonOptions {

    /** slf4j-simple's level property; it is read when the first logger is made. */
    private static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    @Option(names = {"-v", "--verbose"}, description = "Show stack traces of errors and more detail.")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Print no progress bar and no warnings.")
    boolean quiet;

    /** Applies the options before any work starts: {@code --verbose} lets the backends log what they decide. */
    void apply() {
        if (verbose && System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "info");
        }
    }
}
