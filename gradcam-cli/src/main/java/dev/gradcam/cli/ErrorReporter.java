package dev.gradcam.cli;

import dev.gradcam.api.BackendUnavailableException;
import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.ModelLoadException;
import dev.gradcam.api.UnknownLayerException;
import dev.gradcam.api.UnknownMethodException;
import dev.gradcam.api.UnknownOutputException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.UnsupportedOperatorException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Turns errors into one clear line on standard error and an exit code from {@link ExitCodes}: the library's
 * {@link GradCamException} messages as they are, bad arguments with a pointer to {@code --help}; stack traces only
 * with {@code --verbose}.
 */
final class ErrorReporter implements IExecutionExceptionHandler, IParameterExceptionHandler {

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        boolean verbose = verbose(parsed);
        if (ex instanceof GradCamException) {
            err.println(prefix(cmd) + "error: " + ex.getMessage());
            String hint = hint(ex);
            if (!hint.isEmpty()) {
                err.println(hint);
            }
        } else {
            err.println(prefix(cmd) + "error: " + ex + (verbose ? "" : " (run with --verbose for the stack trace)"));
        }
        if (verbose) {
            ex.printStackTrace(err);
        }
        err.flush();
        return exitCode(ex);
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        err.println(prefix(cmd) + "error: " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return ExitCodes.USAGE;
    }

    /** The exit code for an exception raised while running a command. */
    static int exitCode(Throwable ex) {
        if (ex instanceof UnknownLayerException || ex instanceof UnknownMethodException
                || ex instanceof UnknownOutputException) {
            return ExitCodes.UNKNOWN_NAME;
        }
        if (ex instanceof ModelLoadException) {
            return ExitCodes.NOT_FOUND;
        }
        if (ex instanceof BackendUnavailableException || ex instanceof UnsupportedCapabilityException
                || ex instanceof UnsupportedOperatorException) {
            return ExitCodes.UNSUPPORTED;
        }
        if (ex instanceof InvalidArgumentException) {
            // An argument out of range, e.g. a bad --backend-option: the command line is what is wrong.
            return ExitCodes.USAGE;
        }
        if (ex instanceof InvalidInputException) {
            return ExitCodes.INVALID_INPUT;
        }
        return ExitCodes.FAILURE;
    }

    private static String hint(Exception ex) {
        if (ex instanceof UnknownLayerException) {
            return "List the model's layers with: gradcam layers --model FILE (or --demo)";
        }
        return "";
    }

    private static String prefix(CommandLine cmd) {
        return cmd.getCommandSpec().qualifiedName() + ": ";
    }

    private static boolean verbose(ParseResult parsed) {
        if (parsed == null) {
            return false;
        }
        for (CommandLine c : parsed.asCommandLineList()) {
            if (c.getParseResult() != null && c.getParseResult().hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }
}
