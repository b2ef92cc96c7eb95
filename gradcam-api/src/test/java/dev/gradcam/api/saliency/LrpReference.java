package dev.gradcam.api.saliency;

/**
 * A textbook LRP for {@link dev.gradcam.api.testing.InMemoryCnn}'s architecture, written independently of the
 * backend specification: every layer a dense matrix, every rule as its per-connection formula
 * {@code R_i = sum_j (z_ij / z_j) R_j} (Montavon et al. 2019, "Layer-Wise Relevance Propagation: An Overview"), in
 * double precision. Global average pooling is a linear layer with weights {@code 1 / (h w)} under LRP-0; ReLU passes
 * relevance through.
 */
final class LrpReference {

    /** A rule: {@code kind} is epsilon, alpha-beta, z-box, flat or w-square. */
    record Rule(String kind, double epsilon, double alpha, double beta, double low, double high) {
        static Rule epsilon(double e) {
            return new Rule("epsilon", e, 0, 0, 0, 0);
        }

        static Rule alphaBeta(double a, double b) {
            return new Rule("alpha-beta", 0, a, b, 0, 0);
        }

        static Rule zBox(double low, double high) {
            return new Rule("z-box", 0, 0, 0, low, high);
        }

        static Rule flat() {
            return new Rule("flat", 0, 0, 0, 0, 0);
        }

        static Rule wSquare() {
            return new Rule("w-square", 0, 0, 0, 0, 0);
        }
    }

    /**
     * Relevance at each layer of one image, and how many neurons holding relevance had a zero denominator (whose
     * relevance, or part of it, the rule therefore drops: conservation holds exactly only when this is 0).
     */
    record Layers(double[] input, double[] conv, double[] pool, double[] logits, int zeroDenominators) {
    }

    private int zeroDenominators;

    private final double[][] conv;        // [K*H*W][C*H*W]
    private final boolean[][] connected;  // receptive fields, padding excluded
    private final double[] convB;         // per output neuron
    private final double[][] gap;         // [K][K*H*W]
    private final double[][] fc;          // [M][K]
    private final double[] fcB;

    LrpReference(int c, int k, int m, int h, int w, double[] convW, double[] convBias, double[] fcW, double[] fcBias) {
        int hw = h * w;
        conv = new double[k * hw][c * hw];
        connected = new boolean[k * hw][c * hw];
        convB = new double[k * hw];
        for (int q = 0; q < k; q++) {
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    int j = q * hw + y * w + x;
                    convB[j] = convBias[q];
                    for (int ch = 0; ch < c; ch++) {
                        for (int dy = -1; dy <= 1; dy++) {
                            for (int dx = -1; dx <= 1; dx++) {
                                int yy = y + dy;
                                int xx = x + dx;
                                if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                    int i = ch * hw + yy * w + xx;
                                    conv[j][i] = convW[((q * c + ch) * 3 + dy + 1) * 3 + dx + 1];
                                    connected[j][i] = true;
                                }
                            }
                        }
                    }
                }
            }
        }
        gap = new double[k][k * hw];
        for (int q = 0; q < k; q++) {
            for (int p = 0; p < hw; p++) {
                gap[q][q * hw + p] = 1.0 / hw;
            }
        }
        fc = new double[m][k];
        for (int j = 0; j < m; j++) {
            for (int q = 0; q < k; q++) {
                fc[j][q] = fcW[j * k + q];
            }
        }
        fcB = fcBias.clone();
    }

    /** Relevance of class {@code cls}'s logit for one image, {@code main} at the dense layer, {@code first} at conv. */
    synchronized Layers explain(double[] x, int cls, Rule main, Rule first) {
        zeroDenominators = 0;
        double[] z1 = affine(conv, convB, x);
        double[] a1 = new double[z1.length];
        for (int i = 0; i < z1.length; i++) {
            a1[i] = Math.max(z1[i], 0);
        }
        double[] pool = affine(gap, new double[gap.length], a1);
        double[] logits = affine(fc, fcB, pool);
        double[] rLogits = new double[logits.length];
        rLogits[cls] = logits[cls];
        double[] rPool = propagate(main, fc, fcB, null, pool, rLogits);
        double[] rRelu = propagate(Rule.epsilon(0), gap, new double[gap.length], null, a1, rPool);
        double[] rInput = propagate(first, conv, convB, connected, x, rRelu);
        return new Layers(rInput, rRelu, rPool, rLogits, zeroDenominators);
    }

    private static double[] affine(double[][] wt, double[] b, double[] a) {
        double[] z = new double[wt.length];
        for (int j = 0; j < wt.length; j++) {
            z[j] = b[j];
            for (int i = 0; i < a.length; i++) {
                z[j] += wt[j][i] * a[i];
            }
        }
        return z;
    }

    private double[] propagate(Rule rule, double[][] wt, double[] b, boolean[][] links, double[] a,
                                      double[] rOut) {
        double[] r = new double[a.length];
        for (int j = 0; j < wt.length; j++) {
            if (rOut[j] == 0) {
                continue;
            }
            double[] zij = new double[a.length];
            double[] zneg = new double[a.length];
            for (int i = 0; i < a.length; i++) {
                double wji = wt[j][i];
                zij[i] = switch (rule.kind()) {
                    case "epsilon" -> a[i] * wji;
                    case "alpha-beta" -> Math.max(a[i] * wji, 0);
                    case "z-box" -> a[i] * wji - rule.low() * Math.max(wji, 0) - rule.high() * Math.min(wji, 0);
                    case "flat" -> links[j][i] ? 1 : 0;
                    case "w-square" -> wji * wji;
                    default -> throw new IllegalArgumentException(rule.kind());
                };
                zneg[i] = Math.min(a[i] * wji, 0);
            }
            double den = 0;
            double denNeg = 0;
            for (int i = 0; i < a.length; i++) {
                den += zij[i];
                denNeg += zneg[i];
            }
            if (rule.kind().equals("epsilon")) {
                den += b[j];
                den += rule.epsilon() * (den >= 0 ? 1 : -1);
            }
            if (den == 0 || rule.kind().equals("alpha-beta") && rule.beta() != 0 && denNeg == 0) {
                zeroDenominators++;
            }
            for (int i = 0; i < a.length; i++) {
                double share = den == 0 ? 0 : zij[i] / den;
                if (rule.kind().equals("alpha-beta")) {
                    share = rule.alpha() * share - (denNeg == 0 ? 0 : rule.beta() * zneg[i] / denNeg);
                }
                r[i] += share * rOut[j];
            }
        }
        return r;
    }
}
