package dev.gradcam.api.numeric;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SymmetricEigenTest {

    @Test
    void twoByTwoByHand() {
        // [[2, 1], [1, 2]]: eigenvalues 1 and 3 with vectors (1, -1)/sqrt 2 and (1, 1)/sqrt 2.
        SymmetricEigen e = SymmetricEigen.of(new double[][] {{2, 1}, {1, 2}});
        assertEquals(1, e.value(0), 1e-12);
        assertEquals(3, e.value(1), 1e-12);
        double[] v = e.vector(1);
        assertEquals(Math.abs(v[0]), Math.sqrt(0.5), 1e-12);
        assertEquals(v[0], v[1], 1e-12);
    }

    @Test
    void diagonalAndDegenerateMatrices() {
        SymmetricEigen d = SymmetricEigen.of(new double[][] {{3, 0, 0}, {0, -1, 0}, {0, 0, 2}});
        assertArrayEquals(new double[] {-1, 2, 3}, new double[] {d.value(0), d.value(1), d.value(2)}, 1e-12);
        assertArrayEquals(new double[] {1, 0, 0}, abs(d.vector(2)), 1e-12);
        SymmetricEigen z = SymmetricEigen.of(new double[3][3]);
        assertEquals(0, z.value(2), 0);
        assertEquals(5, SymmetricEigen.of(new double[][] {{5}}).value(0), 0);
        assertEquals(0, SymmetricEigen.of(new double[0][0]).size());
    }

    @Test
    void randomMatricesSatisfyAvEqualsLambdaV() {
        Random r = new Random(7);
        for (int n : new int[] {2, 5, 17, 64}) {
            double[][] a = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j <= i; j++) {
                    a[i][j] = a[j][i] = r.nextGaussian();
                }
            }
            SymmetricEigen e = SymmetricEigen.of(a);
            for (int k = 0; k < n; k++) {
                double[] v = e.vector(k);
                assertEquals(1, dot(v, v), 1e-10);
                for (int i = 0; i < n; i++) {
                    assertEquals(e.value(k) * v[i], dot(a[i], v), 1e-9, "n=" + n + " k=" + k);
                }
                if (k > 0) {
                    assertTrue(e.value(k) >= e.value(k - 1));
                    assertEquals(0, dot(v, e.vector(k - 1)), 1e-10);
                }
            }
        }
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static double[] abs(double[] v) {
        double[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] = Math.abs(out[i]);
        }
        return out;
    }
}
