package dev.gradcam.api.spi;

import dev.gradcam.api.DifferentiableModel;

import dev.gradcam.api.InvalidArgumentException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layer-wise relevance propagation (LRP) {@link GradientMode}s, and what a backend must compute for each.
 * Users normally reach these through {@code dev.gradcam.api.saliency.Lrp}; backends read this as their specification.
 *
 * <h2>What a pass in an LRP mode returns</h2>
 * <ul>
 *   <li>The relevance at the explained output (a model output, or a layer named by {@link PassRequest#output()}) is
 *       {@code R_out = output * seed}, element-wise; for a class-logit target that is the logit itself.</li>
 *   <li>{@link PassResult#gradients()} hold the <em>relevance</em> at each tap, {@code R_t = t * g_t}, not a
 *       gradient; {@link PassResult#inputGradient()} holds the relevance at the model input.</li>
 * </ul>
 *
 * <h2>How it is computed: a modified gradient {@code g}</h2>
 * Backends propagate a modified gradient {@code g} with {@code R_t = t * g_t} at every tensor {@code t}, starting
 * with {@code g_out = seed}. Every operator keeps its {@link GradientMode#STANDARD standard} backward rule (ReLU,
 * max and average pooling, global average pooling, flatten, reshape, concat, residual Add, batch normalisation
 * ...): in this form the standard rules already pass relevance on proportionally (ReLU and pooling) or
 * winner-take-all (max pooling). Only the linear layers, {@code Conv} and {@code Gemm} (and {@code MatMul} with a
 * constant weight, where supported), change. For one such node write {@code a} for its data input, {@code W} its
 * weight, {@code z} its forward output (bias included), {@code g_z} the incoming modified gradient and
 * {@code R_z = z * g_z}. {@code F(v, V)} is the node's linear map on data {@code v} with weight {@code V} and no
 * bias (same strides, pads, dilations, groups; Gemm's alpha and transposes), {@code B(s, V)} its standard
 * input-gradient (ConvTranspose with the same attributes and output shape, or {@code s V^T}), and
 * {@code W+ = max(W, 0)}, {@code W- = min(W, 0)}, {@code a+ = max(a, 0)}, {@code a- = min(a, 0)}.
 * {@code div0(n, d)} is {@code n / d} where {@code d != 0} and 0 where {@code d == 0}.
 * <dl>
 *   <dt>{@value #EPSILON} (parameter {@code epsilon} &ge; 0)</dt>
 *   <dd>{@code s = div0(R_z, z + epsilon * sgn(z))} with {@code sgn(z) = z >= 0 ? 1 : -1}; {@code g_a = B(s, W)}.
 *       With epsilon 0 this is the standard gradient, so LRP-0's input relevance is gradient times input.</dd>
 *   <dt>{@value #ALPHA_BETA} (parameters {@code alpha}, {@code beta} &ge; 0 with {@code alpha - beta = 1})</dt>
 *   <dd>Positive and negative contributions, sign-aware, biases ignored:
 *       {@code zp = F(a+, W+) + F(a-, W-)}, {@code zn = F(a+, W-) + F(a-, W+)}, {@code sp = div0(alpha R_z, zp)},
 *       {@code sn = div0(beta R_z, zn)}; then {@code g_a = B(sp, W+) - B(sn, W-)} where {@code a > 0},
 *       {@code g_a = B(sp, W-) - B(sn, W+)} where {@code a < 0}, and 0 where {@code a == 0}.</dd>
 *   <dt>{@value #Z_PLUS}</dt>
 *   <dd>{@value #ALPHA_BETA} with alpha 1 and beta 0 (the sign-aware z+ rule).</dd>
 * </dl>
 * With these rules relevance is conserved exactly by alpha-beta and z+ wherever no denominator is zero, and by
 * epsilon as epsilon and the biases go to zero.
 *
 * <h2>The input layer</h2>
 * {@link GradientMode#inputLayerRule()}, when set, replaces the rule at every Conv/Gemm whose data input is the
 * model input itself (a backend that finds the first linear layer behind other operators rejects the request with
 * a clear error). Any rule above may serve; the input relevance is then {@code R_x = x * g_x}. Three rules apply only
 * there, and give {@code R_x} directly (summed over consumers when the input feeds several layers):
 * <dl>
 *   <dt>{@value #Z_BOX} (parameters {@code low}, {@code high}; per input channel {@code low.c}, {@code high.c})</dt>
 *   <dd>{@code L}, {@code H} tensors like {@code x} filled with the bounds of each channel;
 *       {@code zb = F(x, W) - F(L, W+) - F(H, W-)}, {@code s = div0(R_z, zb)},
 *       {@code R_x = x * B(s, W) - L * B(s, W+) - H * B(s, W-)}. Exact for {@code low <= x <= high}.</dd>
 *   <dt>{@value #FLAT}</dt>
 *   <dd>{@code s = div0(R_z, F(1, 1_W))}, {@code R_x = B(s, 1_W)}, where {@code 1} is ones like {@code x} and
 *       {@code 1_W} ones like {@code W}: relevance spread evenly over each receptive field (padding excluded).</dd>
 *   <dt>{@value #W_SQUARE}</dt>
 *   <dd>{@code s = div0(R_z, F(1, W^2))}, {@code R_x = B(s, W^2)}.</dd>
 * </dl>
 *
 * <p>Stateless; the modes are immutable values.
 */
public final class LrpModes {

    /** Every LRP family name starts with this. */
    public static final String PREFIX = "lrp-";
    /** LRP-epsilon. */
    public static final String EPSILON = "lrp-epsilon";
    /** LRP-alpha-beta. */
    public static final String ALPHA_BETA = "lrp-alpha-beta";
    /** LRP z+ (alpha 1, beta 0). */
    public static final String Z_PLUS = "lrp-z-plus";
    /** The bounded z^B rule, for the input layer. */
    public static final String Z_BOX = "lrp-z-box";
    /** The flat rule, for the input layer. */
    public static final String FLAT = "lrp-flat";
    /** The w-square rule, for the input layer. */
    public static final String W_SQUARE = "lrp-w-square";
    /** The epsilon used when a mode does not set one (Zennit's default). */
    public static final double DEFAULT_EPSILON = 1e-6;

    private static final List<String> INPUT_ONLY = List.of(Z_BOX, FLAT, W_SQUARE);

    private LrpModes() {
    }

    /**
     * LRP-epsilon: relevance shared in proportion to contributions, the denominator pushed away from zero by
     * {@code epsilon} (which absorbs weak, contradictory relevance).
     *
     * @throws InvalidArgumentException if epsilon is negative or not finite
     */
    public static GradientMode epsilon(double epsilon) {
        if (!(epsilon >= 0) || !Double.isFinite(epsilon)) {
            throw new InvalidArgumentException("LRP epsilon must be a finite number >= 0, got " + epsilon);
        }
        return new GradientMode(EPSILON, Map.of("epsilon", epsilon));
    }

    /**
     * LRP-alpha-beta: positive contributions weighted by alpha, negative ones by beta.
     *
     * @throws InvalidArgumentException unless {@code alpha >= 0}, {@code beta >= 0} and {@code alpha - beta = 1}
     */
    public static GradientMode alphaBeta(double alpha, double beta) {
        if (!(alpha >= 0 && beta >= 0) || Math.abs(alpha - beta - 1) > 1e-12) {
            throw new InvalidArgumentException("LRP alpha-beta needs alpha >= 0, beta >= 0 and alpha - beta = 1 (so "
                    + "that relevance is conserved), got alpha " + alpha + ", beta " + beta
                    + "; e.g. (1, 0) or (2, 1)");
        }
        return new GradientMode(ALPHA_BETA, Map.of("alpha", alpha, "beta", beta));
    }

    /** LRP z+: only positive contributions count (alpha-beta with alpha 1, beta 0). */
    public static GradientMode zPlus() {
        return new GradientMode(Z_PLUS);
    }

    /**
     * The z^B rule for inputs bounded by {@code low <= x <= high} (the same bounds for every channel).
     *
     * @throws InvalidArgumentException unless {@code low < high}
     */
    public static GradientMode zBox(double low, double high) {
        if (!(low < high)) {
            throw new InvalidArgumentException("z-box bounds need low < high, got " + low + ", " + high);
        }
        return new GradientMode(Z_BOX, Map.of("low", low, "high", high));
    }

    /**
     * The z^B rule with per-channel bounds (channel axis 1), e.g. the normalised values of black and white pixels.
     *
     * @throws InvalidArgumentException if the arrays differ in length, are empty, or some {@code low[c] >= high[c]}
     */
    public static GradientMode zBox(double[] low, double[] high) {
        InvalidArgumentException.requireNonNull(low, "low");
        InvalidArgumentException.requireNonNull(high, "high");
        if (low.length == 0 || low.length != high.length) {
            throw new InvalidArgumentException("z-box needs one low and one high bound per channel, got "
                    + low.length + " and " + high.length);
        }
        Map<String, Double> p = new LinkedHashMap<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < low.length; c++) {
            if (!(low[c] < high[c])) {
                throw new InvalidArgumentException("z-box bounds need low < high, got " + low[c] + ", " + high[c]
                        + " for channel " + c);
            }
            p.put("low." + c, low[c]);
            p.put("high." + c, high[c]);
            lo = Math.min(lo, low[c]);
            hi = Math.max(hi, high[c]);
        }
        p.put("low", lo);
        p.put("high", hi);
        return new GradientMode(Z_BOX, p);
    }

    /** The flat rule: each receptive field shares relevance evenly, ignoring input and weights. */
    public static GradientMode flat() {
        return new GradientMode(FLAT);
    }

    /** The w-square rule: relevance shared in proportion to squared weights, ignoring the input. */
    public static GradientMode wSquare() {
        return new GradientMode(W_SQUARE);
    }

    /**
     * Each LRP family once, as a backend implementing all of them lists them in
     * {@link DifferentiableModel#gradientModes()} (parameters there are only examples; see
     * {@link DifferentiableModel#supports(GradientMode)}).
     */
    public static List<GradientMode> all() {
        return List.of(epsilon(DEFAULT_EPSILON), zPlus(), alphaBeta(2, 1), new GradientMode(Z_BOX), flat(),
                wSquare());
    }

    /** True for the rules that apply only to the input layer (z-box, flat, w-square). */
    public static boolean isInputLayerOnly(GradientMode mode) {
        InvalidArgumentException.requireNonNull(mode, "mode");
        return INPUT_ONLY.contains(mode.name());
    }

    /**
     * The z-box lower bound for input channel {@code c}.
     *
     * @throws InvalidArgumentException if the mode is not z-box or sets no bound
     */
    public static double lowerBound(GradientMode zBox, int c) {
        InvalidArgumentException.requireNonNull(zBox, "zBox");
        return bound(zBox, "low", c);
    }

    /**
     * The z-box upper bound for input channel {@code c}.
     *
     * @throws InvalidArgumentException if the mode is not z-box or sets no bound
     */
    public static double upperBound(GradientMode zBox, int c) {
        InvalidArgumentException.requireNonNull(zBox, "zBox");
        return bound(zBox, "high", c);
    }

    /**
     * Checks that a requested mode is a well-formed LRP request: a main rule that may apply to every layer, and an
     * input-layer rule (if any) that is an LRP rule with its parameters.
     *
     * @throws InvalidArgumentException naming what is wrong
     */
    public static void validate(GradientMode mode) {
        InvalidArgumentException.requireNonNull(mode, "mode");
        if (!mode.isLrp()) {
            throw new InvalidArgumentException(mode.describe() + " is not an LRP mode");
        }
        if (isInputLayerOnly(mode)) {
            throw new InvalidArgumentException(mode.name() + " applies only to the input layer; use it as "
                    + "LrpModes.epsilon(...).withInputLayerRule(" + mode.describe() + ")");
        }
        GradientMode input = mode.inputLayer().orElse(mode);
        if (input.name().equals(Z_BOX)) {
            lowerBound(input, 0);
            upperBound(input, 0);
        }
    }

    private static double bound(GradientMode zBox, String key, int c) {
        if (!zBox.name().equals(Z_BOX)) {
            throw new InvalidArgumentException("bounds belong to " + Z_BOX + ", not " + zBox.describe());
        }
        Double v = zBox.params().get(key + "." + c);
        if (v == null) {
            v = zBox.params().get(key);
        }
        if (v == null) {
            throw new InvalidArgumentException(Z_BOX + " needs its '" + key + "' bound; build it with "
                    + "LrpModes.zBox(low, high)");
        }
        return v;
    }
}
