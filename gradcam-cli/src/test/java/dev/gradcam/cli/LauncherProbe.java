package dev.gradcam.cli;

/**
 * The main of the small jar {@link LauncherScriptTest} runs through the launcher script in place of gradcam.jar:
 * prints its arguments and exits with the code its last argument names.
 */
public final class LauncherProbe {

    private LauncherProbe() {
    }

    public static void main(String[] args) {
        System.out.println("ran " + String.join(" ", args));
        System.exit(Integer.parseInt(args[args.length - 1]));
    }
}
