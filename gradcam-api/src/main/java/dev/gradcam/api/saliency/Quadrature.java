package dev.gradcam.api.saliency;

import dev.gradcam.api.InvalidArgumentException;

/**
 * Rules for the path integral of Integrated Gradients over {@code alpha} in [0, 1]: where the gradient is evaluated
 * ({@link #points}) and how each evaluation is weighted ({@link #weights}). Riemann sums follow Captum's
 * {@code riemann_*} methods; Gauss-Legendre is exact for polynomials of degree {@code 2n - 1}.
 */
public enum Quadrature {
    /** Left Riemann sum: {@code alpha = k / n}, k = 0..n-1. */
    RIEMANN_LEFT,
    /** Right Riemann sum: {@code alpha = k / n}, k = 1..n. */
    RIEMANN_RIGHT,
    /** Midpoint rule: {@code alpha = (k + 0.5) / n}. */
    RIEMANN_MIDDLE,
    /** Trapezoid rule over {@code n} equally spaced points including both ends (n at least 2). */
    RIEMANN_TRAPEZOID,
    /** Gauss-Legendre quadrature with {@code n} nodes mapped to [0, 1]. */
    GAUSS_LEGENDRE;

    /**
     * The {@code n} evaluation points in [0, 1], ascending.
     *
     * @throws InvalidArgumentException if {@code n} is too small for the rule (1, or 2 for the trapezoid)
     */
    public double[] points(int n) {
        check(n);
        double[] p = new double[n];
        switch (this) {
            case RIEMANN_LEFT -> fill(p, k -> (double) k / n);
            case RIEMANN_RIGHT -> fill(p, k -> (double) (k + 1) / n);
            case RIEMANN_MIDDLE -> fill(p, k -> (k + 0.5) / n);
            case RIEMANN_TRAPEZOID -> fill(p, k -> (double) k / (n - 1));
            case GAUSS_LEGENDRE -> {
                double[][] nw = gaussLegendre(n);
                for (int k = 0; k < n; k++) {
                    p[k] = (nw[0][k] + 1) / 2;
                }
            }
            default -> throw new AssertionError(this);
        }
        return p;
    }

    /** The {@code n} weights matching {@link #points}; they sum to 1. */
    public double[] weights(int n) {
        check(n);
        double[] w = new double[n];
        switch (this) {
            case RIEMANN_LEFT, RIEMANN_RIGHT, RIEMANN_MIDDLE -> fill(w, k -> 1.0 / n);
            case RIEMANN_TRAPEZOID -> fill(w, k -> (k == 0 || k == n - 1 ? 0.5 : 1.0) / (n - 1));
            case GAUSS_LEGENDRE -> {
                double[][] nw = gaussLegendre(n);
                for (int k = 0; k < n; k++) {
                    w[k] = nw[1][k] / 2;
                }
            }
            default -> throw new AssertionError(this);
        }
        return w;
    }

    private void check(int n) {
        int min = this == RIEMANN_TRAPEZOID ? 2 : 1;
        if (n < min) {
            throw new InvalidArgumentException(name() + " needs at least " + min + " steps, got " + n);
        }
    }

    private static void fill(double[] d, java.util.function.IntToDoubleFunction f) {
        for (int k = 0; k < d.length; k++) {
            d[k] = f.applyAsDouble(k);
        }
    }

    /** Nodes (ascending) and weights on [-1, 1], by Newton's method on the Legendre polynomial P_n. */
    private static double[][] gaussLegendre(int n) {
        double[] x = new double[n];
        double[] w = new double[n];
        for (int i = 0; i < (n + 1) / 2; i++) {
            // Tricomi's initial guess for the i-th largest root, then Newton to machine precision.
            double z = Math.cos(Math.PI * (i + 0.75) / (n + 0.5));
            for (int iter = 0; iter < 100; iter++) {
                double dz = legendre(n, z)[0] / derivative(n, z);
                z -= dz;
                if (Math.abs(dz) < 1e-16) {
                    break;
                }
            }
            double dp = derivative(n, z);
            double weight = 2 / ((1 - z * z) * dp * dp);
            x[i] = -z;
            x[n - 1 - i] = z;
            w[i] = weight;
            w[n - 1 - i] = weight;
        }
        return new double[][] {x, w};
    }

    /** {@code P_n(z)} and {@code P_{n-1}(z)} by the three-term recurrence. */
    private static double[] legendre(int n, double z) {
        double p0 = 1;
        double p1 = z;
        for (int j = 2; j <= n; j++) {
            double p2 = ((2 * j - 1) * z * p1 - (j - 1) * p0) / j;
            p0 = p1;
            p1 = p2;
        }
        return new double[] {p1, p0};
    }

    /** {@code P_n'(z) = n (z P_n - P_{n-1}) / (z^2 - 1)}, for z inside (-1, 1). */
    private static double derivative(int n, double z) {
        double[] p = legendre(n, z);
        return n * (z * p[0] - p[1]) / (z * z - 1);
    }
}
