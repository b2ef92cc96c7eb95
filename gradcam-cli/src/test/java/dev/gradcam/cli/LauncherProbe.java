package dev.gradcam.cli;

import java.lang.management.ManagementFactory;

/**
 * The main of the small jar {@link LauncherScriptTest} runs through the launcher script in place of gradcam.jar:
 * prints its arguments (and on standard error the JVM's options) and exits with the code its last argument names.
 */
public final class LauncherProbe {

    private LauncherProbe() {
    }

    public static void main(String[] args) {
        System.out.println("ran " + String.join(" ", args));
        System.err.println("jvm " + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        System.exit(Integer.parseInt(args[args.length - 1]));
    }
}
