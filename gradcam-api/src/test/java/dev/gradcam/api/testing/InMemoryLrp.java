package dev.gradcam.api.testing;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LrpModes;

/**
 * The LRP modes of {@link InMemoryCnn}, written literally after the backend specification in {@link LrpModes}: a
 * modified gradient {@code g} flows back with the standard rules for global average pooling and ReLU, and only the
 * two linear layers (the convolution, which reads the input, and the fully connected layer) apply a rule, expressed
 * with the layer's bias-free forward map {@code F} and its transpose {@code B}. Relevance at a tensor {@code t} is
 * {@code t * g_t}. Tests compare this against a textbook relevance propagation on dense matrices, so the
 * specification itself is what they check. Immutable.
 */
final class InMemoryLrp {

    /** Relevance at each layer and at the input, as flat batches in the layers' shapes. */
    record Relevance(double[] input, double[] conv, double[] relu, double[] pool, double[] logits) {
    }

    private final int c;
    private final int k;
    private final int m;
    private final int h;
    private final int w;
    private final Linear convMap;
    private final Linear fcMap;
    private final double[] convW;
    private final double[] fcW;

    InMemoryLrp(int c, int k, int m, int h, int w, double[] convW, double[] fcW) {
        this.c = c;
        this.k = k;
        this.m = m;
        this.h = h;
        this.w = w;
        this.convW = convW;
        this.fcW = fcW;
        this.convMap = new Conv3x3(c, k, h, w);
        this.fcMap = new Dense(k, m);
    }

    /**
     * One LRP pass over a batch.
     *
     * @param start the output layer: 0 conv, 1 relu, 2 pool, 3 logits; {@code seed} has its shape
     */
    Relevance relevance(GradientMode mode, int n, double[] x, double[] conv, double[] relu, double[] pool,
                        double[] logits, double[] seed, int start) {
        GradientMode inputRule = mode.inputLayer().orElse(mode);
        int hw = h * w;
        int in = c * hw;
        int maps = k * hw;
        double[] rx = new double[n * in];
        double[] rConv = new double[n * maps];
        double[] rRelu = new double[n * maps];
        double[] rPool = new double[n * k];
        double[] rLogits = new double[n * m];
        for (int i = 0; i < n; i++) {
            double[] xi = slice(x, i, in);
            double[] convI = slice(conv, i, maps);
            double[] reluI = slice(relu, i, maps);
            double[] poolI = slice(pool, i, k);
            double[] logitsI = slice(logits, i, m);
            double[] gLogits = start == 3 ? slice(seed, i, m) : new double[m];
            double[] gPool = start == 2 ? slice(seed, i, k)
                    : start > 2 ? gradient(mode, fcMap, fcW, poolI, logitsI, gLogits) : new double[k];
            double[] gRelu = new double[maps];
            double[] gConv = new double[maps];
            for (int j = 0; j < maps; j++) {
                // Global average pooling and ReLU keep their standard backward rules.
                gRelu[j] = start == 1 ? seed[i * maps + j] : start > 1 ? gPool[j / hw] / hw : 0;
                gConv[j] = start == 0 ? seed[i * maps + j] : convI[j] > 0 ? gRelu[j] : 0;
            }
            double[] r = inputRelevance(inputRule, convMap, convW, xi, convI, gConv);
            System.arraycopy(r, 0, rx, i * in, in);
            for (int j = 0; j < maps; j++) {
                rConv[i * maps + j] = convI[j] * gConv[j];
                rRelu[i * maps + j] = reluI[j] * gRelu[j];
            }
            for (int j = 0; j < k; j++) {
                rPool[i * k + j] = poolI[j] * gPool[j];
            }
            for (int j = 0; j < m; j++) {
                rLogits[i * m + j] = logitsI[j] * gLogits[j];
            }
        }
        return new Relevance(rx, rConv, rRelu, rPool, rLogits);
    }

    /** The relevance at the input of the layer reading the model input. */
    private double[] inputRelevance(GradientMode rule, Linear map, double[] wt, double[] x, double[] z, double[] gz) {
        double[] rz = mul(z, gz);
        double[] ones = fill(x.length, 1);
        switch (rule.name()) {
            case LrpModes.Z_BOX -> {
                double[] lo = new double[x.length];
                double[] hi = new double[x.length];
                int hw = h * w;
                for (int j = 0; j < x.length; j++) {
                    lo[j] = LrpModes.lowerBound(rule, j / hw);
                    hi[j] = LrpModes.upperBound(rule, j / hw);
                }
                double[] wp = positive(wt);
                double[] wn = negative(wt);
                double[] zb = sub(sub(map.f(x, wt), map.f(lo, wp)), map.f(hi, wn));
                double[] s = div0(rz, zb);
                return sub(sub(mul(x, map.b(s, wt)), mul(lo, map.b(s, wp))), mul(hi, map.b(s, wn)));
            }
            case LrpModes.FLAT -> {
                double[] w1 = fill(wt.length, 1);
                return map.b(div0(rz, map.f(ones, w1)), w1);
            }
            case LrpModes.W_SQUARE -> {
                double[] w2 = mul(wt, wt);
                return map.b(div0(rz, map.f(ones, w2)), w2);
            }
            default -> {
                return mul(x, gradient(rule, map, wt, x, z, gz));
            }
        }
    }

    /** The modified gradient at a linear layer's input, {@code g_a}, for the rules that apply to every layer. */
    private static double[] gradient(GradientMode rule, Linear map, double[] wt, double[] a, double[] z,
                                     double[] gz) {
        double[] rz = mul(z, gz);
        switch (rule.name()) {
            case LrpModes.EPSILON -> {
                double eps = rule.param("epsilon", LrpModes.DEFAULT_EPSILON);
                double[] den = new double[z.length];
                for (int j = 0; j < z.length; j++) {
                    den[j] = z[j] + eps * (z[j] >= 0 ? 1 : -1);
                }
                return map.b(div0(rz, den), wt);
            }
            case LrpModes.Z_PLUS -> {
                return alphaBeta(1, 0, map, wt, a, rz);
            }
            case LrpModes.ALPHA_BETA -> {
                return alphaBeta(rule.param("alpha", 2), rule.param("beta", 1), map, wt, a, rz);
            }
            default -> throw new InvalidInputException(rule.name() + " applies only to the input layer");
        }
    }

    private static double[] alphaBeta(double alpha, double beta, Linear map, double[] wt, double[] a, double[] rz) {
        double[] ap = positive(a);
        double[] an = negative(a);
        double[] wp = positive(wt);
        double[] wn = negative(wt);
        double[] zp = add(map.f(ap, wp), map.f(an, wn));
        double[] zn = add(map.f(ap, wn), map.f(an, wp));
        double[] sp = div0(scale(rz, alpha), zp);
        double[] sn = div0(scale(rz, beta), zn);
        double[] pos = sub(map.b(sp, wp), map.b(sn, wn));
        double[] neg = sub(map.b(sp, wn), map.b(sn, wp));
        double[] g = new double[a.length];
        for (int j = 0; j < a.length; j++) {
            g[j] = a[j] > 0 ? pos[j] : a[j] < 0 ? neg[j] : 0;
        }
        return g;
    }

    /** A bias-free linear layer of one image: {@code f} its forward map, {@code b} its transpose. */
    private interface Linear {
        double[] f(double[] a, double[] weights);

        double[] b(double[] s, double[] weights);
    }

    /** 3x3 convolution, padding 1, stride 1, weights [K, C, 3, 3]. */
    private record Conv3x3(int c, int k, int h, int w) implements Linear {
        @Override
        public double[] f(double[] a, double[] wt) {
            double[] z = new double[k * h * w];
            each((q, ch, y, x, yy, xs, wi) -> z[(q * h + y) * w + x] += wt[wi] * a[(ch * h + yy) * w + xs]);
            return z;
        }

        @Override
        public double[] b(double[] s, double[] wt) {
            double[] g = new double[c * h * w];
            each((q, ch, y, x, yy, xs, wi) -> g[(ch * h + yy) * w + xs] += wt[wi] * s[(q * h + y) * w + x]);
            return g;
        }

        private void each(Tap tap) {
            for (int q = 0; q < k; q++) {
                for (int ch = 0; ch < c; ch++) {
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            for (int dy = 0; dy < 3; dy++) {
                                for (int dx = 0; dx < 3; dx++) {
                                    int yy = y + dy - 1;
                                    int xs = x + dx - 1;
                                    if (yy >= 0 && yy < h && xs >= 0 && xs < w) {
                                        tap.at(q, ch, y, x, yy, xs, ((q * c + ch) * 3 + dy) * 3 + dx);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }

        private interface Tap {
            void at(int q, int ch, int y, int x, int yy, int xs, int weightIndex);
        }
    }

    /** A fully connected layer, weights [out, in]. */
    private record Dense(int in, int out) implements Linear {
        @Override
        public double[] f(double[] a, double[] wt) {
            double[] z = new double[out];
            for (int j = 0; j < out; j++) {
                for (int i = 0; i < in; i++) {
                    z[j] += wt[j * in + i] * a[i];
                }
            }
            return z;
        }

        @Override
        public double[] b(double[] s, double[] wt) {
            double[] g = new double[in];
            for (int j = 0; j < out; j++) {
                for (int i = 0; i < in; i++) {
                    g[i] += wt[j * in + i] * s[j];
                }
            }
            return g;
        }
    }

    private static double[] slice(double[] d, int i, int size) {
        return java.util.Arrays.copyOfRange(d, i * size, (i + 1) * size);
    }

    private static double[] fill(int n, double v) {
        double[] d = new double[n];
        java.util.Arrays.fill(d, v);
        return d;
    }

    private static double[] positive(double[] d) {
        double[] r = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = Math.max(d[i], 0);
        }
        return r;
    }

    private static double[] negative(double[] d) {
        double[] r = new double[d.length];
        for (int i = 0; i < d.length; i++) {
            r[i] = Math.min(d[i], 0);
        }
        return r;
    }

    private static double[] mul(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * b[i];
        }
        return r;
    }

    private static double[] add(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] + b[i];
        }
        return r;
    }

    private static double[] sub(double[] a, double[] b) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] - b[i];
        }
        return r;
    }

    private static double[] scale(double[] a, double f) {
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = a[i] * f;
        }
        return r;
    }

    /** {@code n / d} where {@code d != 0}, else 0. */
    private static double[] div0(double[] n, double[] d) {
        double[] r = new double[n.length];
        for (int i = 0; i < n.length; i++) {
            r[i] = d[i] == 0 ? 0 : n[i] / d[i];
        }
        return r;
    }
}
