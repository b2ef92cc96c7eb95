package dev.gradcam.metrics;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.Arrays;

/**
 * How alike two maps [H, W] are, as sanity checks measure it (Adebayo et al. 2018): Spearman rank correlation
 * (scipy's {@code spearmanr}: Pearson correlation of average ranks), SSIM (scikit-image's
 * {@code structural_similarity} defaults: 7 x 7 uniform window, K1 = 0.01, K2 = 0.03, sample covariance, mean over
 * the window-valid interior, data range given) and the Pearson correlation of HOG features (scikit-image's
 * {@code hog} defaults: 9 orientations, 8 x 8 cells, 3 x 3 blocks, L2-Hys). Stateless.
 */
public final class MapSimilarity {

    private static final int SSIM_WINDOW = 7;
    private static final int HOG_ORIENTATIONS = 9;
    private static final int HOG_CELL = 8;
    private static final int HOG_BLOCK = 3;
    private static final double HOG_EPS = 1e-5;

    private MapSimilarity() {
    }

    /** Spearman's rank correlation of the two maps' values; NaN when one map is constant. */
    public static double spearman(FloatTensor a, FloatTensor b) {
        check(a, b);
        return pearson(ranks(a.toArray()), ranks(b.toArray()));
    }

    /** SSIM with data range {@code dataRange} (1 for maps in [0, 1]). */
    public static double ssim(FloatTensor a, FloatTensor b, double dataRange) {
        check(a, b);
        int h = a.shape().intDim(0);
        int w = a.shape().intDim(1);
        if (h < SSIM_WINDOW || w < SSIM_WINDOW) {
            throw new InvalidInputException("SSIM needs maps of at least 7 x 7, got " + a.shape());
        }
        float[] x = a.toArray();
        float[] y = b.toArray();
        int r = SSIM_WINDOW / 2;
        double np = SSIM_WINDOW * SSIM_WINDOW;
        double covNorm = np / (np - 1);
        double c1 = Math.pow(0.01 * dataRange, 2);
        double c2 = Math.pow(0.03 * dataRange, 2);
        double sum = 0;
        int count = 0;
        for (int i = r; i < h - r; i++) {
            for (int j = r; j < w - r; j++) {
                double sx = 0;
                double sy = 0;
                double sxx = 0;
                double syy = 0;
                double sxy = 0;
                for (int di = -r; di <= r; di++) {
                    for (int dj = -r; dj <= r; dj++) {
                        double u = x[(i + di) * w + j + dj];
                        double v = y[(i + di) * w + j + dj];
                        sx += u;
                        sy += v;
                        sxx += u * u;
                        syy += v * v;
                        sxy += u * v;
                    }
                }
                double ux = sx / np;
                double uy = sy / np;
                double vx = covNorm * (sxx / np - ux * ux);
                double vy = covNorm * (syy / np - uy * uy);
                double vxy = covNorm * (sxy / np - ux * uy);
                sum += (2 * ux * uy + c1) * (2 * vxy + c2) / ((ux * ux + uy * uy + c1) * (vx + vy + c2));
                count++;
            }
        }
        return sum / count;
    }

    /** Pearson correlation of the two maps' HOG feature vectors. */
    public static double hog(FloatTensor a, FloatTensor b) {
        check(a, b);
        return pearson(hogFeatures(a), hogFeatures(b));
    }

    /**
     * HOG features of a map [H, W] as scikit-image computes them with its defaults: central-difference gradients
     * (0 on the border rows / columns), unsigned orientation in [0, 180) split into 9 bins, per 8 x 8 cell the mean
     * magnitude per bin, 3 x 3-cell blocks normalised with L2-Hys (clip at 0.2), flattened block by block.
     */
    public static double[] hogFeatures(FloatTensor map) {
        if (map.shape().rank() != 2) {
            throw new InvalidInputException("HOG needs a map [H, W], got " + map.shape());
        }
        int h = map.shape().intDim(0);
        int w = map.shape().intDim(1);
        int cellsY = h / HOG_CELL;
        int cellsX = w / HOG_CELL;
        if (cellsY < HOG_BLOCK || cellsX < HOG_BLOCK) {
            throw new InvalidInputException("HOG with 8 x 8 cells and 3 x 3-cell blocks needs maps of at least 24 x 24,"
                    + " got " + map.shape());
        }
        float[] img = map.toArray();
        double[][][] hist = new double[cellsY][cellsX][HOG_ORIENTATIONS];
        double binWidth = 180.0 / HOG_ORIENTATIONS;
        for (int y = 0; y < cellsY * HOG_CELL; y++) {
            for (int x = 0; x < cellsX * HOG_CELL; x++) {
                double gy = y == 0 || y == h - 1 ? 0 : (double) img[(y + 1) * w + x] - img[(y - 1) * w + x];
                double gx = x == 0 || x == w - 1 ? 0 : (double) img[y * w + x + 1] - img[y * w + x - 1];
                double mag = Math.hypot(gx, gy);
                double angle = Math.toDegrees(Math.atan2(gy, gx)) % 180;
                if (angle < 0) {
                    angle += 180;
                }
                int bin = Math.min(HOG_ORIENTATIONS - 1, (int) (angle / binWidth));
                hist[y / HOG_CELL][x / HOG_CELL][bin] += mag / (HOG_CELL * HOG_CELL);
            }
        }
        int blocksY = cellsY - HOG_BLOCK + 1;
        int blocksX = cellsX - HOG_BLOCK + 1;
        int per = HOG_BLOCK * HOG_BLOCK * HOG_ORIENTATIONS;
        double[] out = new double[blocksY * blocksX * per];
        double[] block = new double[per];
        for (int by = 0; by < blocksY; by++) {
            for (int bx = 0; bx < blocksX; bx++) {
                int k = 0;
                for (int cy = 0; cy < HOG_BLOCK; cy++) {
                    for (int cx = 0; cx < HOG_BLOCK; cx++) {
                        for (int o = 0; o < HOG_ORIENTATIONS; o++) {
                            block[k++] = hist[by + cy][bx + cx][o];
                        }
                    }
                }
                normaliseL2Hys(block);
                System.arraycopy(block, 0, out, (by * blocksX + bx) * per, per);
            }
        }
        return out;
    }

    private static void normaliseL2Hys(double[] v) {
        scale(v);
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.min(v[i], 0.2);
        }
        scale(v);
    }

    private static void scale(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x * x;
        }
        double norm = Math.sqrt(s + HOG_EPS * HOG_EPS);
        for (int i = 0; i < v.length; i++) {
            v[i] /= norm;
        }
    }

    /** Average ranks (1-based), ties sharing their mean rank. */
    static double[] ranks(float[] v) {
        Integer[] idx = new Integer[v.length];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (p, q) -> Float.compare(v[p], v[q]));
        double[] r = new double[v.length];
        int i = 0;
        while (i < idx.length) {
            int j = i;
            while (j + 1 < idx.length && v[idx[j + 1]] == v[idx[i]]) {
                j++;
            }
            double rank = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) {
                r[idx[k]] = rank;
            }
            i = j + 1;
        }
        return r;
    }

    static double pearson(double[] a, double[] b) {
        double ma = Arrays.stream(a).average().orElse(0);
        double mb = Arrays.stream(b).average().orElse(0);
        double cov = 0;
        double va = 0;
        double vb = 0;
        for (int i = 0; i < a.length; i++) {
            cov += (a[i] - ma) * (b[i] - mb);
            va += (a[i] - ma) * (a[i] - ma);
            vb += (b[i] - mb) * (b[i] - mb);
        }
        return cov / Math.sqrt(va * vb);
    }

    private static void check(FloatTensor a, FloatTensor b) {
        if (a.shape().rank() != 2 || !a.shape().equals(b.shape())) {
            throw new InvalidInputException("similarity needs two maps [H, W] of the same shape, got " + a.shape()
                    + " and " + b.shape());
        }
    }
}
