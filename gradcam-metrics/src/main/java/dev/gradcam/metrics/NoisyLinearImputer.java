package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.Random;
import org.ejml.data.DMatrixRMaj;
import org.ejml.data.DMatrixSparseCSC;
import org.ejml.data.DMatrixSparseTriplet;
import org.ejml.interfaces.linsol.LinearSolverSparse;
import org.ejml.ops.DConvertMatrixStruct;
import org.ejml.sparse.FillReducing;
import org.ejml.sparse.csc.factory.LinearSolverFactory_DSCC;

/**
 * ROAD's noisy linear imputation (Rong et al. 2022): every removed pixel becomes the weighted mean of its 8
 * neighbours (weight 1/6 for the 4 edge neighbours, 1/12 for the 4 corners, re-normalised at the border), solved
 * jointly for all removed pixels as one sparse linear system per image, plus Gaussian noise of standard deviation
 * {@link #noise()} on the imputed values. The same system as pytorch-grad-cam's {@code NoisyLinearImputer}.
 *
 * <p>The system matrix is symmetric positive definite (a weighted graph Laplacian of the removed pixels plus the
 * weights of their known neighbours), so it is solved with EJML's sparse Cholesky decomposition. When every pixel is
 * removed there is nothing to interpolate from: each channel is then filled with its mean (pytorch-grad-cam's
 * solver fails on that singular system). Immutable and thread-safe.
 */
public final class NoisyLinearImputer {

    /** pytorch-grad-cam's default noise. */
    public static final double DEFAULT_NOISE = 0.01;

    private static final int[][] OFFSETS = {{1, 1}, {0, 1}, {-1, 1}, {1, -1}, {0, -1}, {-1, -1}, {1, 0}, {-1, 0}};
    private static final double EDGE = 1.0 / 6;
    private static final double CORNER = 1.0 / 12;

    private final double noise;
    private final long seed;

    private NoisyLinearImputer(double noise, long seed) {
        if (!(noise >= 0) || !Double.isFinite(noise)) {
            throw new InvalidArgumentException("noise must be a finite number >= 0, got " + noise);
        }
        this.noise = noise;
        this.seed = seed;
    }

    /** Noise {@value #DEFAULT_NOISE}, seed 0. */
    public static NoisyLinearImputer defaults() {
        return new NoisyLinearImputer(DEFAULT_NOISE, 0);
    }

    /** Noise of standard deviation {@code noise} (0: deterministic) from a generator seeded with {@code seed}. */
    public static NoisyLinearImputer of(double noise, long seed) {
        return new NoisyLinearImputer(noise, seed);
    }

    public double noise() {
        return noise;
    }

    public long seed() {
        return seed;
    }

    /**
     * Imputes the pixels of {@code image} ([C, H, W]) where {@code keep} ([H * W], row-major) is false.
     *
     * @param stream distinguishes the calls that share this imputer's seed (e.g. image index and percentile), so
     *               that results do not depend on call order
     */
    public FloatTensor impute(FloatTensor image, boolean[] keep, long stream) {
        if (image.shape().rank() != 3) {
            throw new InvalidInputException("an image to impute must be [C, H, W], got " + image.shape());
        }
        int c = image.shape().intDim(0);
        int h = image.shape().intDim(1);
        int w = image.shape().intDim(2);
        int hw = h * w;
        if (keep.length != hw) {
            throw new InvalidInputException("the mask has " + keep.length + " pixels, the image " + hw);
        }
        float[] px = image.toArray();
        int[] variable = new int[hw];
        int n = 0;
        for (int p = 0; p < hw; p++) {
            variable[p] = keep[p] ? -1 : n++;
        }
        if (n == 0) {
            return FloatTensor.wrapOwned(image.shape(), px);
        }
        double[][] solution = n == hw ? channelMeans(px, c, hw) : solve(px, keep, variable, n, c, h, w);
        Random random = new Random(seed * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L);
        for (int ch = 0; ch < c; ch++) {
            for (int p = 0; p < hw; p++) {
                if (variable[p] >= 0) {
                    double v = solution[ch][variable[p]];
                    px[ch * hw + p] = (float) (noise == 0 ? v : v + noise * random.nextGaussian());
                }
            }
        }
        return FloatTensor.wrapOwned(image.shape(), px);
    }

    /** Every removed pixel of a channel gets that channel's mean. */
    private static double[][] channelMeans(float[] px, int c, int hw) {
        double[][] out = new double[c][hw];
        for (int ch = 0; ch < c; ch++) {
            double sum = 0;
            for (int p = 0; p < hw; p++) {
                sum += px[ch * hw + p];
            }
            java.util.Arrays.fill(out[ch], sum / hw);
        }
        return out;
    }

    /**
     * For removed pixel i with in-image neighbours j of weight w_j: (sum_j w_j) x_i - sum_{j removed} w_j x_j =
     * sum_{j kept} w_j v_j, one right-hand side per channel.
     */
    private static double[][] solve(float[] px, boolean[] keep, int[] variable, int n, int c, int h, int w) {
        int hw = h * w;
        DMatrixSparseTriplet triplets = new DMatrixSparseTriplet(n, n, n * 9);
        DMatrixRMaj rhs = new DMatrixRMaj(n, c);
        for (int p = 0; p < hw; p++) {
            int i = variable[p];
            if (i < 0) {
                continue;
            }
            int y = p / w;
            int x = p % w;
            double diagonal = 0;
            for (int[] o : OFFSETS) {
                int yy = y + o[0];
                int xx = x + o[1];
                if (yy < 0 || xx < 0 || yy >= h || xx >= w) {
                    continue;
                }
                double weight = o[0] != 0 && o[1] != 0 ? CORNER : EDGE;
                diagonal += weight;
                int q = yy * w + xx;
                if (keep[q]) {
                    for (int ch = 0; ch < c; ch++) {
                        rhs.add(i, ch, weight * px[ch * hw + q]);
                    }
                } else {
                    triplets.addItem(i, variable[q], -weight);
                }
            }
            triplets.addItem(i, i, diagonal);
        }
        DMatrixSparseCSC a = DConvertMatrixStruct.convert(triplets, (DMatrixSparseCSC) null);
        LinearSolverSparse<DMatrixSparseCSC, DMatrixRMaj> solver = LinearSolverFactory_DSCC.cholesky(FillReducing.NONE);
        if (!solver.setA(a)) {
            throw new IllegalStateException("the imputation system is not positive definite (" + n + " removed pixels)");
        }
        DMatrixRMaj x = new DMatrixRMaj(n, c);
        solver.solve(rhs, x);
        double[][] out = new double[c][n];
        for (int i = 0; i < n; i++) {
            for (int ch = 0; ch < c; ch++) {
                out[ch][i] = x.get(i, ch);
            }
        }
        return out;
    }
}
