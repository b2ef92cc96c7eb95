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

    /**
     * Checks that an argument is given: the API's replacement for {@link java.util.Objects#requireNonNull}, so that a
     * null argument is a {@link GradCamException} like every other argument error.
     *
     * @param name the argument's name, for the message
     * @return {@code value}
     * @throws InvalidArgumentException if {@code value} is null
     */
    public static <T> T requireNonNull(T value, String name) {
        if (value == null) {
            throw new InvalidArgumentException(name + " must not be null");
        }
        return value;
    }
}
