package dev.gradcam.api;

/**
 * A method argument or builder setting is out of its range (a negative class index, an empty window, a zero size):
 * the message names the argument, what was given and what is valid. A kind of {@link InvalidInputException}, so
 * code catching that keeps working.
 */
public class InvalidArgumentException extends InvalidInputException {

    private static final long serialVersionUID = 1L;

    public InvalidArgumentException(String message) {
        super(message);
    }

    public InvalidArgumentException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Checks an argument.
     *
     * @param ok      the condition the argument must meet
     * @param message what was given and what is valid, used when it does not
     * @throws InvalidArgumentException if {@code ok} is false
     */
    public static void check(boolean ok, String message) {
        if (!ok) {
            throw new InvalidArgumentException(message);
        }
    }
}
