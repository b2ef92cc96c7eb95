package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.numeric.SymmetricEigen;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * KPCA-CAM (Karmani et al. 2024; pytorch-grad-cam's {@code KPCA_CAM}): Eigen-CAM with kernel PCA. The activations are
 * read as h*w samples of K features, each channel centred; the kernel matrix {@code K_ij = k(x_i, x_j)} is centred
 * in feature space ({@code K - 1K - K1 + 1K1}, as scikit-learn's {@code KernelPCA}), and the map is the first
 * kernel principal component, {@code u sqrt(lambda)} for the top eigenpair. Gradient-free, class-agnostic.
 *
 * <p>Kernels with scikit-learn's defaults: {@link Kernel#SIGMOID} (the default, {@code tanh(gamma x.y + 1)}),
 * {@link Kernel#RBF} ({@code exp(-gamma |x - y|^2)}), {@link Kernel#POLY} ({@code (gamma x.y + 1)^3}) and
 * {@link Kernel#LINEAR} (plain PCA); gamma defaults to {@code 1 / K}. <b>Sign:</b> the eigenvector's entry of largest
 * magnitude (the first on ties) is made positive, scikit-learn's {@code svd_flip} rule, so the map is deterministic and
 * the same as pytorch-grad-cam's. Weights are each channel's covariance with the map, {@code X_c^T p / (h w)}; the
 * selector and eigen-smoothing do not apply (the component mixes all channels non-linearly).
 *
 * <p><b>Cost:</b> one forward pass; per image the (h w) x (h w) kernel matrix (O((h w)^2 K) time, 8 (h w)^2 bytes) and
 * its top eigenpair: exact (Householder + QL, O((h w)^3)) up to 512 positions, power iteration beyond (each step
 * O((h w)^2); converged to a residual of 1e-10, at most 2000 steps). A 7 x 7 layer is instant; a 96 x 48 layer holds
 * a 170 MB matrix and took 44 s on two CPU cores. Immutable.
 */
public final class KernelPcaCam implements CamMethod {

    /** The kernels scikit-learn's KernelPCA offers that pytorch-grad-cam's users pick. */
    public enum Kernel {
        /** {@code tanh(gamma x.y + 1)}: pytorch-grad-cam's default. */
        SIGMOID,
        /** {@code exp(-gamma |x - y|^2)}. */
        RBF,
        /** {@code (gamma x.y + 1)^3}. */
        POLY,
        /** {@code x.y}: ordinary PCA. */
        LINEAR;

        /** Parses a kernel name (case ignored). */
        public static Kernel parse(String name) {
            try {
                return valueOf(name.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidArgumentException("unknown kernel '" + name + "'; use sigmoid, rbf, poly or linear");
            }
        }
    }

    /** Up to this many positions the kernel matrix is decomposed exactly; beyond, power iteration. */
    static final int EXACT_LIMIT = 512;
    private static final int MAX_ITERATIONS = 2000;

    private final Kernel kernel;
    private final double gamma;

    /** @param gamma the kernel coefficient, or NaN for scikit-learn's default 1 / K */
    KernelPcaCam(Kernel kernel, double gamma) {
        this.kernel = InvalidArgumentException.requireNonNull(kernel, "kernel");
        if (!Double.isNaN(gamma) && !(gamma > 0 && Double.isFinite(gamma))) {
            throw new InvalidArgumentException("gamma must be positive and finite, got " + gamma);
        }
        this.gamma = gamma;
    }

    /** The same method with another kernel. */
    public KernelPcaCam withKernel(Kernel kernel) {
        return new KernelPcaCam(kernel, gamma);
    }

    /** The same method with kernel coefficient gamma (> 0); {@code Double.NaN} for the default 1 / K. */
    public KernelPcaCam withGamma(double gamma) {
        return new KernelPcaCam(kernel, gamma);
    }

    public Kernel kernel() {
        return kernel;
    }

    @Override
    public String name() {
        return "kpca-cam";
    }

    @Override
    public Set<Capability> requiredCapabilities() {
        return Set.of();
    }

    @Override
    public boolean needsGradients() {
        return false;
    }

    @Override
    public List<LayerMaps> explain(CamContext context) {
        InvalidArgumentException.requireNonNull(context, "context");
        List<LayerMaps> out = new ArrayList<>();
        for (LayerInfo layer : context.layers()) {
            FloatTensor acts = context.activations(layer);
            int n = acts.shape().intDim(0);
            List<FloatTensor> weights = new ArrayList<>(n);
            List<ChannelMask> masks = new ArrayList<>(n);
            List<FloatTensor> maps = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                FloatTensor a = acts.slice(i);
                int k = a.shape().intDim(0);
                double[][] x = centredSamples(a);
                double[] p = component(x, Double.isNaN(gamma) ? 1.0 / k : gamma);
                weights.add(covariances(x, p, k));
                masks.add(ChannelMask.all(k));
                maps.add(toTensor(p, a.shape().dropFirst(1)));
            }
            out.add(new LayerMaps(layer, FloatTensor.stack(maps), weights, masks));
        }
        return out;
    }

    /** One image's [K, positions...] as samples x[position][channel], each channel centred; NaN counts as 0. */
    private static double[][] centredSamples(FloatTensor a) {
        int k = a.shape().intDim(0);
        int size = a.size() / k;
        double[][] x = new double[size][k];
        for (int c = 0; c < k; c++) {
            double mean = 0;
            for (int i = 0; i < size; i++) {
                float f = a.getFlat(c * size + i);
                x[i][c] = Float.isNaN(f) ? 0 : f;
                mean += x[i][c];
            }
            mean /= size;
            for (int i = 0; i < size; i++) {
                x[i][c] -= mean;
            }
        }
        return x;
    }

    /** The first kernel principal component of the samples, {@code u sqrt(lambda)}, sign fixed. */
    private double[] component(double[][] x, double g) {
        int m = x.length;
        double[][] km = new double[m][m];
        for (int i = 0; i < m; i++) {
            for (int j = i; j < m; j++) {
                double v = kernel(x[i], x[j], g);
                km[i][j] = v;
                km[j][i] = v;
            }
        }
        double[] rowMean = new double[m];
        double total = 0;
        for (int i = 0; i < m; i++) {
            double s = 0;
            for (int j = 0; j < m; j++) {
                s += km[i][j];
            }
            rowMean[i] = s / m;
            total += s;
        }
        total /= (double) m * m;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                km[i][j] = km[i][j] - rowMean[i] - rowMean[j] + total;
            }
        }
        double[] u = new double[m];
        double lambda = m <= EXACT_LIMIT ? exactTop(km, u) : iteratedTop(km, u);
        double[] p = new double[m];
        if (!(lambda > 0)) {
            return p; // a degenerate kernel: no component, a zero map
        }
        int largest = 0;
        for (int i = 1; i < m; i++) {
            if (Math.abs(u[i]) > Math.abs(u[largest])) {
                largest = i;
            }
        }
        double scale = Math.sqrt(lambda) * (u[largest] < 0 ? -1 : 1);
        for (int i = 0; i < m; i++) {
            p[i] = u[i] * scale;
        }
        return p;
    }

    /** The top eigenpair of a symmetric matrix by full decomposition; the vector goes into {@code u}. */
    private static double exactTop(double[][] a, double[] u) {
        SymmetricEigen e = SymmetricEigen.of(a);
        System.arraycopy(e.vector(a.length - 1), 0, u, 0, a.length);
        return e.value(a.length - 1);
    }

    /**
     * The largest (algebraic) eigenpair by power iteration: first on the matrix, whose dominant eigenvalue is the
     * largest when it is positive; otherwise on the matrix shifted by that eigenvalue's magnitude (positive
     * semi-definite, so its dominant eigenvalue is the largest shifted). Converged when the residual
     * {@code |A u - lambda u|} is below 1e-10 of |lambda|, or after {@value #MAX_ITERATIONS} steps.
     */
    private static double iteratedTop(double[][] a, double[] u) {
        double lambda = power(a, 0, u);
        if (lambda < 0) {
            lambda = power(a, -lambda, u) + lambda;
        }
        return lambda;
    }

    private static double power(double[][] a, double shift, double[] u) {
        int m = a.length;
        java.util.Arrays.fill(u, 1 / Math.sqrt(m));
        u[0] += 0.5 / Math.sqrt(m); // not orthogonal to the component of a centred kernel (which sums to zero)
        normalise(u);
        double[] next = new double[m];
        double lambda = 0;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            for (int i = 0; i < m; i++) {
                double s = shift * u[i];
                double[] row = a[i];
                for (int j = 0; j < m; j++) {
                    s += row[j] * u[j];
                }
                next[i] = s;
            }
            lambda = 0;
            for (int i = 0; i < m; i++) {
                lambda += u[i] * next[i];
            }
            double residual = 0;
            for (int i = 0; i < m; i++) {
                double r = next[i] - lambda * u[i];
                residual += r * r;
            }
            if (normalise(next) == 0) {
                return 0;
            }
            System.arraycopy(next, 0, u, 0, m);
            if (Math.sqrt(residual) <= 1e-10 * Math.abs(lambda)) {
                break;
            }
        }
        return lambda - shift;
    }

    private static double normalise(double[] v) {
        double n = 0;
        for (double x : v) {
            n += x * x;
        }
        n = Math.sqrt(n);
        if (n > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] /= n;
            }
        }
        return n;
    }

    private double kernel(double[] a, double[] b, double g) {
        double dot = 0;
        double dist = 0;
        for (int c = 0; c < a.length; c++) {
            dot += a[c] * b[c];
            double d = a[c] - b[c];
            dist += d * d;
        }
        return switch (kernel) {
            case SIGMOID -> Math.tanh(g * dot + 1);
            case RBF -> Math.exp(-g * dist);
            case POLY -> Math.pow(g * dot + 1, 3);
            case LINEAR -> dot;
        };
    }

    private static FloatTensor covariances(double[][] x, double[] p, int k) {
        float[] w = new float[k];
        for (int c = 0; c < k; c++) {
            double s = 0;
            for (int i = 0; i < x.length; i++) {
                s += x[i][c] * p[i];
            }
            w[c] = (float) (s / x.length);
        }
        return FloatTensor.wrapOwned(Shape.of(k), w);
    }

    private static FloatTensor toTensor(double[] d, Shape s) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return FloatTensor.wrapOwned(s, f);
    }

    @Override
    public String settings() {
        return "kernel=" + kernel.name().toLowerCase(Locale.ROOT) + ", gamma=" + (Double.isNaN(gamma) ? "1/K" : gamma);
    }
}
