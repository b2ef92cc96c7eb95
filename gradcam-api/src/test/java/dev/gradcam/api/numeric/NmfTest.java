package dev.gradcam.api.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidArgumentException;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lee and Seung (2001), "Algorithms for non-negative matrix factorization": multiplicative updates. */
class NmfTest {

    private static double[][] lowRank(long seed, int m, int n, int r) {
        Random rnd = new Random(seed);
        double[][] w = new double[m][r];
        double[][] h = new double[r][n];
        for (double[] row : w) {
            for (int j = 0; j < r; j++) {
                row[j] = rnd.nextDouble();
            }
        }
        for (double[] row : h) {
            for (int j = 0; j < n; j++) {
                row[j] = rnd.nextDouble();
            }
        }
        double[][] x = new double[m][n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                for (int a = 0; a < r; a++) {
                    x[i][j] += w[i][a] * h[a][j];
                }
            }
        }
        return x;
    }

    private static double norm(double[][] x) {
        double s = 0;
        for (double[] row : x) {
            for (double v : row) {
                s += v * v;
            }
        }
        return Math.sqrt(s);
    }

    @Test
    void recoversAnExactlyNonNegativeLowRankMatrix() {
        double[][] x = lowRank(1, 12, 30, 2);
        Nmf.Result f = Nmf.factorize(x, 2, 3000, 0, 0);
        assertEquals(3000, f.iterations());
        assertTrue(f.error() / norm(x) < 1e-3, "relative error " + f.error() / norm(x));
        for (double[] row : f.w()) {
            for (double v : row) {
                assertTrue(v >= 0);
            }
        }
    }

    @Test
    void oneIterationIsTheSimultaneousMultiplicativeUpdate() {
        // Lee and Seung 2001, Theorem 1: H1 = H0 .* (W0^T X) ./ (W0^T W0 H0), then W1 = W0 .* (X H1^T) ./ (W0 H1 H1^T),
        // every entry computed from the previous factors (no in-place mixing of old and new values).
        double[][] x = lowRank(4, 5, 7, 3);
        Nmf.Result start = Nmf.factorize(x, 3, 0, 0, 9);
        Nmf.Result one = Nmf.factorize(x, 3, 1, 0, 9);
        double[][] w0 = start.w();
        double[][] h0 = start.h();
        double[][] h1 = times(h0, divide(mul(t(w0), x), mul(mul(t(w0), w0), h0)));
        double[][] w1 = times(w0, divide(mul(x, t(h1)), mul(w0, mul(h1, t(h1)))));
        for (int i = 0; i < h1.length; i++) {
            assertArrayEquals(h1[i], one.h()[i], 1e-12);
        }
        for (int i = 0; i < w1.length; i++) {
            assertArrayEquals(w1[i], one.w()[i], 1e-12);
        }
    }

    private static double[][] t(double[][] a) {
        double[][] o = new double[a[0].length][a.length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                o[j][i] = a[i][j];
            }
        }
        return o;
    }

    private static double[][] mul(double[][] a, double[][] b) {
        double[][] o = new double[a.length][b[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < b[0].length; j++) {
                for (int k = 0; k < b.length; k++) {
                    o[i][j] += a[i][k] * b[k][j];
                }
            }
        }
        return o;
    }

    private static double[][] times(double[][] a, double[][] b) {
        double[][] o = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                o[i][j] = a[i][j] * b[i][j];
            }
        }
        return o;
    }

    private static double[][] divide(double[][] a, double[][] b) {
        double[][] o = new double[a.length][a[0].length];
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[0].length; j++) {
                o[i][j] = a[i][j] / (b[i][j] + 1e-12);
            }
        }
        return o;
    }

    @Test
    void errorNeverIncreasesAndToleranceStopsEarly() {
        double[][] x = lowRank(2, 8, 20, 3);
        double previous = Double.POSITIVE_INFINITY;
        for (int it : new int[] {1, 5, 20, 100}) {
            double e = Nmf.factorize(x, 3, it, 0, 5).error();
            assertTrue(e <= previous + 1e-12, "error went up at " + it);
            previous = e;
        }
        Nmf.Result early = Nmf.factorize(x, 3, 100000, 1e-3, 5);
        assertTrue(early.iterations() < 100000 && early.iterations() % 10 == 0);
    }

    @Test
    void isDeterministicForASeed() {
        double[][] x = lowRank(3, 6, 9, 2);
        Nmf.Result a = Nmf.factorize(x, 2, 50, 0, 11);
        Nmf.Result b = Nmf.factorize(x, 2, 50, 0, 11);
        for (int i = 0; i < a.w().length; i++) {
            assertArrayEquals(a.w()[i], b.w()[i], 0);
        }
    }

    @Test
    void rejectsNegativeEntriesAndBadRanks() {
        assertThrows(InvalidArgumentException.class, () -> Nmf.factorize(new double[][] {{1, -1}}, 1, 1, 0, 0));
        assertThrows(InvalidArgumentException.class, () -> Nmf.factorize(new double[][] {{1, 1}}, 0, 1, 0, 0));
        assertThrows(InvalidArgumentException.class, () -> Nmf.factorize(new double[][] {{1, Double.NaN}}, 1, 1, 0, 0));
    }
}
