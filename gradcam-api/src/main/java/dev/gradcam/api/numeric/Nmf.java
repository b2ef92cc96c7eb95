package dev.gradcam.api.numeric;

import dev.gradcam.api.InvalidArgumentException;

/**
 * Non-negative matrix factorisation {@code X ~ W H} of a non-negative [m, n] matrix into W [m, r] and H [r, n] by the
 * multiplicative updates of Lee and Seung (2001) for the Frobenius norm:
 * {@code H <- H * (W^T X) / (W^T W H + eps)}, then {@code W <- W * (X H^T) / (W H H^T + eps)}, eps = 1e-12 (keeps the
 * division finite where a factor row vanishes).
 *
 * <p>Start: every entry of W (row-major) then of H (row-major) is {@code sqrt(mean(X) / r) * u} with u uniform in
 * [0, 1) from {@link SplitMix64}({@code seed}): the scale of scikit-learn's {@code init="random"}, with a generator
 * any script can reproduce. Iteration stops after {@code maxIterations}, or earlier when the relative decrease of the
 * reconstruction error over 10 iterations falls below {@code tolerance} (0 disables the check, for exact
 * reproduction). Deterministic; thread-safe (no state).
 */
public final class Nmf {

    private static final double EPS = 1e-12;

    private Nmf() {
    }

    /**
     * The factors of one factorisation.
     *
     * @param w          [m][r]
     * @param h          [r][n]
     * @param iterations updates performed
     * @param error      the final Frobenius error {@code ||X - W H||}
     */
    public record Result(double[][] w, double[][] h, int iterations, double error) {
    }

    /**
     * Factorises {@code x} (m rows, n columns, all entries >= 0).
     *
     * @throws InvalidArgumentException if x is empty or ragged, has a negative or non-finite entry, or r &lt; 1
     */
    public static Result factorize(double[][] x, int rank, int maxIterations, double tolerance, long seed) {
        InvalidArgumentException.requireNonNull(x, "x");
        int m = x.length;
        if (m == 0 || x[0].length == 0) {
            throw new InvalidArgumentException("cannot factorise an empty matrix");
        }
        if (rank < 1) {
            throw new InvalidArgumentException("rank must be >= 1, got " + rank);
        }
        if (maxIterations < 0 || !(tolerance >= 0)) {
            throw new InvalidArgumentException("need maxIterations >= 0 and tolerance >= 0, got " + maxIterations
                    + ", " + tolerance);
        }
        int n = x[0].length;
        double sum = 0;
        for (int i = 0; i < m; i++) {
            if (x[i].length != n) {
                throw new InvalidArgumentException("row " + i + " has " + x[i].length + " columns, expected " + n);
            }
            for (double v : x[i]) {
                if (!(v >= 0) || Double.isInfinite(v)) {
                    throw new InvalidArgumentException("NMF needs finite non-negative entries, found " + v);
                }
                sum += v;
            }
        }
        double scale = Math.sqrt(sum / ((double) m * n) / rank);
        SplitMix64 rng = new SplitMix64(seed);
        double[][] w = new double[m][rank];
        double[][] h = new double[rank][n];
        for (double[] row : w) {
            for (int j = 0; j < rank; j++) {
                row[j] = scale * rng.nextDouble();
            }
        }
        for (double[] row : h) {
            for (int j = 0; j < n; j++) {
                row[j] = scale * rng.nextDouble();
            }
        }
        double err = error(x, w, h);
        boolean measured = true; // err is the error of the current factors
        int it = 0;
        while (it < maxIterations) {
            updateH(x, w, h);
            updateW(x, w, h);
            it++;
            measured = false;
            if (tolerance > 0 && it % 10 == 0) {
                double previous = err;
                err = error(x, w, h);
                measured = true;
                if (previous - err < tolerance * previous) {
                    break;
                }
            }
        }
        return new Result(w, h, it, measured ? err : error(x, w, h));
    }

    private static void updateH(double[][] x, double[][] w, double[][] h) {
        int m = x.length;
        int n = x[0].length;
        int r = h.length;
        double[][] wtx = new double[r][n];
        double[][] wtw = new double[r][r];
        for (int i = 0; i < m; i++) {
            for (int a = 0; a < r; a++) {
                double wia = w[i][a];
                if (wia != 0) {
                    for (int j = 0; j < n; j++) {
                        wtx[a][j] += wia * x[i][j];
                    }
                }
                for (int b = 0; b < r; b++) {
                    wtw[a][b] += wia * w[i][b];
                }
            }
        }
        // Column by column, so every denominator uses the old H (the update is simultaneous, as in the paper).
        double[] column = new double[r];
        for (int j = 0; j < n; j++) {
            for (int a = 0; a < r; a++) {
                double den = 0;
                for (int b = 0; b < r; b++) {
                    den += wtw[a][b] * h[b][j];
                }
                column[a] = h[a][j] * wtx[a][j] / (den + EPS);
            }
            for (int a = 0; a < r; a++) {
                h[a][j] = column[a];
            }
        }
    }

    private static void updateW(double[][] x, double[][] w, double[][] h) {
        int m = x.length;
        int n = x[0].length;
        int r = h.length;
        double[][] hht = new double[r][r];
        for (int a = 0; a < r; a++) {
            for (int b = 0; b < r; b++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += h[a][j] * h[b][j];
                }
                hht[a][b] = s;
            }
        }
        double[] xht = new double[r];
        for (int i = 0; i < m; i++) {
            for (int a = 0; a < r; a++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += x[i][j] * h[a][j];
                }
                xht[a] = s;
            }
            double[] row = w[i];
            double[] updated = new double[r];
            for (int a = 0; a < r; a++) {
                double den = 0;
                for (int b = 0; b < r; b++) {
                    den += row[b] * hht[b][a];
                }
                updated[a] = row[a] * xht[a] / (den + EPS);
            }
            System.arraycopy(updated, 0, row, 0, r);
        }
    }

    /** The Frobenius norm of {@code X - W H}. */
    public static double error(double[][] x, double[][] w, double[][] h) {
        InvalidArgumentException.requireNonNull(x, "x");
        InvalidArgumentException.requireNonNull(w, "w");
        InvalidArgumentException.requireNonNull(h, "h");
        double s = 0;
        int r = h.length;
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                double p = 0;
                for (int a = 0; a < r; a++) {
                    p += w[i][a] * h[a][j];
                }
                double d = x[i][j] - p;
                s += d * d;
            }
        }
        return Math.sqrt(s);
    }
}
