package dev.gradcam.api.cam;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.numeric.SymmetricEigen;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

/**
 * The first principal component of one image's feature maps [K, h, w], as Eigen-CAM (Muhammad and Yeasin 2020) and
 * eigen-smoothing use it: the maps are read as a matrix X of h*w rows (positions) and K columns (channels), each
 * column is centred on its mean (as pytorch-grad-cam's {@code get_2d_projection} does), and the map is the projection
 * {@code p = X_c v} on the first right singular vector v of the centred matrix.
 *
 * <p>v is computed exactly (no iteration count to tune) as the top eigenvector of the smaller Gram matrix,
 * {@code X_c^T X_c} [K, K] or {@code X_c X_c^T} [h*w, h*w], with {@link SymmetricEigen}. NaN entries count as 0, as in
 * pytorch-grad-cam. A singular vector's sign is arbitrary, so this class fixes it: <b>v is oriented so that
 * {@code sum_k v_k > 0}</b>, which is the same as making the projection correlate positively with the centred sum of
 * the feature maps ({@code p . X_c 1 = sigma^2 sum_k v_k}): the map agrees with the plain sum it summarises. When
 * {@code sum_k v_k} is zero to rounding, the projection's entry of largest magnitude (first on ties) is made positive.
 * When all columns are constant, v and p are zero. Stateless.
 *
 * @param direction the unit vector v [K] (zeros when the centred matrix is zero)
 * @param centred   the channel means removed, [K]
 * @param map       the projection p [h, w]
 */
public record PrincipalComponent(FloatTensor direction, FloatTensor centred, FloatTensor map) {

    /**
     * The first principal component of {@code maps} [K, h, w].
     *
     * @throws InvalidInputException if the tensor is not 3-D
     */
    public static PrincipalComponent of(FloatTensor maps) {
        InvalidArgumentException.requireNonNull(maps, "maps");
        Shape s = maps.shape();
        if (s.rank() != 3 && s.rank() != 4) {
            throw new InvalidInputException("a principal component needs maps [K, h, w] or [K, d, h, w], got " + s);
        }
        int k = s.intDim(0);
        int hw = maps.size() / k;
        double[][] x = new double[k][hw];
        double[] mean = new double[k];
        for (int c = 0; c < k; c++) {
            double sum = 0;
            for (int i = 0; i < hw; i++) {
                float f = maps.getFlat(c * hw + i);
                x[c][i] = Float.isNaN(f) ? 0 : f;
                sum += x[c][i];
            }
            mean[c] = sum / hw;
            for (int i = 0; i < hw; i++) {
                x[c][i] -= mean[c];
            }
        }
        double[] v = topRightSingularVector(x, k, hw);
        double[] p = new double[hw];
        for (int c = 0; c < k; c++) {
            if (v[c] != 0) {
                for (int i = 0; i < hw; i++) {
                    p[i] += v[c] * x[c][i];
                }
            }
        }
        orient(v, p);
        return new PrincipalComponent(tensor(v, Shape.of(k)), tensor(mean, Shape.of(k)),
                tensor(p, s.dropFirst(1)));
    }

    /**
     * The projection restricted to the selected channels, {@code sum_{k in mask} v_k (X_k - mean_k)} [h, w]: how
     * Eigen-CAM honours a {@link FeatureMapSelector}. With every channel selected it is {@link #map()}.
     *
     * @param maps the maps this component was computed from [K, h, w]
     * @throws InvalidInputException if the mask or maps do not have this component's K channels
     */
    public FloatTensor project(FloatTensor maps, ChannelMask mask) {
        InvalidArgumentException.requireNonNull(maps, "maps");
        InvalidArgumentException.requireNonNull(mask, "mask");
        int k = direction.size();
        if (mask.channels() != k || maps.shape().rank() != map.shape().rank() + 1 || maps.shape().dim(0) != k) {
            throw new InvalidInputException("projection of " + k + " channels got maps " + maps.shape() + " and a mask of "
                    + mask.channels());
        }
        if (mask.count() == k) {
            return map;
        }
        int hw = maps.size() / k;
        double[] p = new double[hw];
        for (int c : mask.indices()) {
            double vc = direction.getFlat(c);
            double mc = centred.getFlat(c);
            for (int i = 0; i < hw; i++) {
                float f = maps.getFlat(c * hw + i);
                p[i] += vc * ((Float.isNaN(f) ? 0 : f) - mc);
            }
        }
        return tensor(p, map.shape());
    }

    /** v of the centred matrix given column-wise ({@code x[c]} is channel c over positions). */
    private static double[] topRightSingularVector(double[][] x, int k, int hw) {
        double[] v = new double[k];
        if (k <= hw) {
            double[][] g = new double[k][k];
            for (int a = 0; a < k; a++) {
                for (int b = a; b < k; b++) {
                    double sum = 0;
                    for (int i = 0; i < hw; i++) {
                        sum += x[a][i] * x[b][i];
                    }
                    g[a][b] = sum;
                    g[b][a] = sum;
                }
            }
            SymmetricEigen e = SymmetricEigen.of(g);
            if (e.value(k - 1) <= 0) {
                return v;
            }
            return e.vector(k - 1);
        }
        // Fewer positions than channels: eigenvector u of X_c X_c^T, then v = X_c^T u / |X_c^T u|.
        double[][] g = new double[hw][hw];
        for (int c = 0; c < k; c++) {
            double[] col = x[c];
            for (int i = 0; i < hw; i++) {
                double xi = col[i];
                if (xi != 0) {
                    for (int j = i; j < hw; j++) {
                        g[i][j] += xi * col[j];
                    }
                }
            }
        }
        for (int i = 0; i < hw; i++) {
            for (int j = 0; j < i; j++) {
                g[i][j] = g[j][i];
            }
        }
        SymmetricEigen e = SymmetricEigen.of(g);
        if (e.value(hw - 1) <= 0) {
            return v;
        }
        double[] u = e.vector(hw - 1);
        double norm = 0;
        for (int c = 0; c < k; c++) {
            double sum = 0;
            for (int i = 0; i < hw; i++) {
                sum += x[c][i] * u[i];
            }
            v[c] = sum;
            norm += sum * sum;
        }
        norm = Math.sqrt(norm);
        if (norm == 0) {
            return new double[k];
        }
        for (int c = 0; c < k; c++) {
            v[c] /= norm;
        }
        return v;
    }

    /** The documented sign convention: sum of v positive, else the largest-magnitude entry of p positive. */
    private static void orient(double[] v, double[] p) {
        double sum = 0;
        double abs = 0;
        for (double x : v) {
            sum += x;
            abs += Math.abs(x);
        }
        boolean flip;
        if (Math.abs(sum) > 1e-9 * abs) {
            flip = sum < 0;
        } else {
            int best = 0;
            for (int i = 1; i < p.length; i++) {
                if (Math.abs(p[i]) > Math.abs(p[best])) {
                    best = i;
                }
            }
            flip = p.length > 0 && p[best] < 0;
        }
        if (flip) {
            for (int i = 0; i < v.length; i++) {
                v[i] = -v[i];
            }
            for (int i = 0; i < p.length; i++) {
                p[i] = -p[i];
            }
        }
    }

    private static FloatTensor tensor(double[] d, Shape s) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return FloatTensor.wrapOwned(s, f);
    }
}
