package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.gradcam.api.InvalidArgumentException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Quadrature rules: weights sum to 1, points lie in [0, 1], and each rule integrates what theory says exactly. */
class QuadratureTest {

    private static double integrate(Quadrature q, int n, int degree) {
        double[] p = q.points(n);
        double[] w = q.weights(n);
        double s = 0;
        for (int k = 0; k < n; k++) {
            s += w[k] * Math.pow(p[k], degree);
        }
        return s;
    }

    @ParameterizedTest
    @EnumSource(Quadrature.class)
    void weightsSumToOneAndPointsAscendInTheUnitInterval(Quadrature q) {
        for (int n : new int[] {2, 3, 7, 64}) {
            double[] p = q.points(n);
            double[] w = q.weights(n);
            assertEquals(n, p.length);
            assertEquals(1.0, java.util.Arrays.stream(w).sum(), 1e-12, q + " n=" + n);
            for (int k = 0; k < n; k++) {
                assertEquals(true, p[k] >= 0 && p[k] <= 1 && (k == 0 || p[k] > p[k - 1]), q + " point " + k);
            }
        }
    }

    @Test
    void riemannPointsAreCaptumsAndTheTrapezoidIncludesBothEnds() {
        assertArrayEquals(new double[] {0, 0.25, 0.5, 0.75}, Quadrature.RIEMANN_LEFT.points(4), 1e-15);
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1}, Quadrature.RIEMANN_RIGHT.points(4), 1e-15);
        assertArrayEquals(new double[] {0.125, 0.375, 0.625, 0.875}, Quadrature.RIEMANN_MIDDLE.points(4), 1e-15);
        assertArrayEquals(new double[] {0, 1.0 / 3, 2.0 / 3, 1}, Quadrature.RIEMANN_TRAPEZOID.points(4), 1e-15);
        assertArrayEquals(new double[] {1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6}, Quadrature.RIEMANN_TRAPEZOID.weights(4),
                1e-15);
    }

    @Test
    void gaussLegendreIsExactUpToDegreeTwoNMinusOne() {
        for (int n = 1; n <= 12; n++) {
            for (int d = 0; d <= 2 * n - 1; d++) {
                assertEquals(1.0 / (d + 1), integrate(Quadrature.GAUSS_LEGENDRE, n, d), 1e-13, "n=" + n + " d=" + d);
            }
        }
        // The three-point rule on [-1, 1]: nodes 0, +-sqrt(3/5), weights 8/9, 5/9.
        assertArrayEquals(new double[] {(1 - Math.sqrt(0.6)) / 2, 0.5, (1 + Math.sqrt(0.6)) / 2},
                Quadrature.GAUSS_LEGENDRE.points(3), 1e-15);
        assertArrayEquals(new double[] {5.0 / 18, 8.0 / 18, 5.0 / 18}, Quadrature.GAUSS_LEGENDRE.weights(3), 1e-15);
    }

    @Test
    void midpointAndTrapezoidAreExactForLinearFunctions() {
        assertEquals(0.5, integrate(Quadrature.RIEMANN_MIDDLE, 5, 1), 1e-15);
        assertEquals(0.5, integrate(Quadrature.RIEMANN_TRAPEZOID, 5, 1), 1e-15);
        assertEquals(0.4, integrate(Quadrature.RIEMANN_LEFT, 5, 1), 1e-15);
    }

    @Test
    void tooFewStepsAreRejected() {
        assertThrows(InvalidArgumentException.class, () -> Quadrature.RIEMANN_TRAPEZOID.points(1));
        assertThrows(InvalidArgumentException.class, () -> Quadrature.GAUSS_LEGENDRE.weights(0));
    }
}
