package dev.gradcam.api.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.tensor.FloatTensor;

/** JUnit assertions on tensors, with messages that say what differed and by how much. */
public final class TensorAssertions {

    private TensorAssertions() {
    }

    /**
     * Same shape, and {@code |actual - expected| / |expected|} (Frobenius norms, {@link FloatTensor#relativeError})
     * at most {@code tolerance}.
     */
    public static void assertClose(FloatTensor expected, FloatTensor actual, double tolerance, String what) {
        assertEquals(expected.shape(), actual.shape(), what + ": shape");
        double err = actual.relativeError(expected);
        assertTrue(err <= tolerance, what + ": relative error " + err + " > " + tolerance);
    }
}
