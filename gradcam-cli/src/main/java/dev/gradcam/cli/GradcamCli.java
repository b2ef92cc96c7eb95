package dev.gradcam.cli;

import dev.gradcam.api.LibraryVersion;
import dev.gradcam.spark.cli.SparkCommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.UsageMessageSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code gradcam} command-line tool: {@code layers}, {@code explain}, {@code evaluate}, {@code demo} and
 * {@code spark} (which needs Spark's jars on the class path, see {@link SparkCommand}).
 *
 * <pre>
 * java -jar gradcam-cli/target/gradcam.jar demo --out out/
 * java -jar gradcam-cli/target/gradcam.jar layers --model resnet50.onnx
 * java -jar gradcam-cli/target/gradcam.jar explain --model resnet50.onnx --input cat.jpg --layer layer4
 * </pre>
 *
 * Exit codes are listed in {@link ExitCodes}.
 */
@Command(name = "gradcam", mixinStandardHelpOptions = true, versionProvider = GradcamCli.Version.class,
        description = "Grad-CAM and related class-activation maps, and pixel-space attributions (guided "
                + "backpropagation, Integrated Gradients, SmoothGrad, LRP ...), for ONNX models, on the JVM.",
        footer = {"", "Start with:", "  gradcam demo --out out/", "  gradcam layers --model M.onnx",
            "  gradcam explain --model M.onnx --input IMAGE --out out/",
            "  gradcam explain --model M.onnx --input IMAGE --method integrated-gradients --out out/",
            "  gradcam spark --model M.onnx --input DIR --out out/    (with Spark on the class path)"})
public final class GradcamCli implements Runnable {

    private static final String METHODS_HEADING = "methodListHeading";
    private static final String METHODS = "methodList";

    /**
     * The subcommands, in the order help lists them. A run that names one builds only that one: picocli reads every
     * option of a command by reflection, which for all of them takes a tenth of a second of a new JVM's start-up.
     */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = subcommands();

    private static Map<String, Supplier<Object>> subcommands() {
        Map<String, Supplier<Object>> m = new LinkedHashMap<>();
        m.put("layers", LayersCommand::new);
        m.put("explain", ExplainCommand::new);
        m.put("evaluate", EvaluateCommand::new);
        m.put("demo", DemoCommand::new);
        m.put("spark", SparkCommand::new);
        m.put("help", CommandLine.HelpCommand::new);
        return m;
    }

    @Spec
    CommandSpec spec;

    /** Runs the tool and exits the JVM with its exit code. */
    public static void main(String[] args) {
        RunTimes.mainStarted();
        OnnxRuntimeStart.startFor(args); // on another thread while picocli builds the commands
        int code = run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
        System.exit(code);
    }

    /**
     * Runs the tool without exiting, printing to the given writers.
     *
     * @return the exit code, see {@link ExitCodes}
     */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        try {
            return commandLine(out, err, args).execute(args);
        } catch (OutOfMemoryError e) {
            // picocli passes Errors through; a huge image or batch must still end in one line, not a stack trace.
            err.println("gradcam: error: out of memory (" + e.getMessage() + "); give the JVM more memory (e.g. "
                    + "JAVA_OPTS=-Xmx8g), use --batch-size 1, or smaller images");
            err.flush();
            return ExitCodes.FAILURE;
        }
    }

    /**
     * The configured picocli command line for {@code args}: with only the subcommand they start with, or with every
     * subcommand when they start with none of them (help, {@code --version}, a misspelt name: picocli then lists or
     * suggests them all), or with {@code help}.
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new GradcamCli());
        String named = args.length > 0 && !args[0].equals("help") && SUBCOMMANDS.containsKey(args[0]) ? args[0] : null;
        for (Map.Entry<String, Supplier<Object>> e : SUBCOMMANDS.entrySet()) {
            if (named == null || named.equals(e.getKey())) {
                cl.addSubcommand(e.getKey(), e.getValue().get());
            }
        }
        ErrorReporter reporter = new ErrorReporter();
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler(reporter);
        cl.setParameterExceptionHandler(reporter);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        Map<String, String> codes = new LinkedHashMap<>();
        for (String line : ExitCodes.helpList()) {
            int colon = line.indexOf(':');
            codes.put(line.substring(0, colon), line.substring(colon + 1));
        }
        setExitCodes(cl, codes);
        if (cl.getSubcommands().containsKey("explain")) {
            addMethodsSection(cl.getSubcommands().get("explain"));
        }
        return cl;
    }

    /** A "Methods:" section in the help of {@code explain}, before the exit codes: every name, by family. */
    private static void addMethodsSection(CommandLine explain) {
        UsageMessageSpec usage = explain.getCommandSpec().usageMessage();
        List<String> keys = new ArrayList<>(usage.sectionKeys());
        int at = keys.indexOf(UsageMessageSpec.SECTION_KEY_EXIT_CODE_LIST_HEADING);
        keys.add(at < 0 ? keys.size() : at, METHODS_HEADING);
        keys.add(at < 0 ? keys.size() : at + 1, METHODS);
        usage.sectionKeys(keys);
        usage.sectionMap().put(METHODS_HEADING, help -> String.format("%nMethods (--method):%n"));
        usage.sectionMap().put(METHODS, help -> MethodHelp.help(usage.width()));
    }

    private static void setExitCodes(CommandLine cl, Map<String, String> codes) {
        cl.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
        for (CommandLine sub : cl.getSubcommands().values()) {
            if (!(sub.getCommand() instanceof CommandLine.HelpCommand)) {
                setExitCodes(sub, codes);
            }
        }
    }

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: use layers, explain, evaluate, demo or spark");
    }

    /** The library version for {@code --version}. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"gradcam " + LibraryVersion.get(), "Java " + System.getProperty("java.version")
                    + " on " + System.getProperty("os.name") + " " + System.getProperty("os.arch")};
        }
    }
}
