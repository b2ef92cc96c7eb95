package dev.gradcam.cli;

/**
 * The tool's arguments read before picocli builds its commands (about 0.2 s of a new JVM), for work that can start
 * early: only the plain forms {@code --name value} and {@code --name=value}, up to a {@code --}. What is read here
 * may only start work the command would do anyway; the command reads and checks its options as always.
 */
final class RawArgs {

    private RawArgs() {
    }

    /** The command, the first argument, or "" when there is none. */
    static String command(String[] args) {
        return args.length > 0 ? args[0] : "";
    }

    /** The last value of the option named any of {@code names}, or null. */
    static String value(String[] args, String... names) {
        String out = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--")) {
                break;
            }
            for (String n : names) {
                if (args[i].equals(n) && i + 1 < args.length) {
                    out = args[i + 1];
                } else if (args[i].startsWith(n + "=")) {
                    out = args[i].substring(n.length() + 1);
                }
            }
        }
        return out;
    }
}
