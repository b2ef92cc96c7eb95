package dev.gradcam.api.spi;

import dev.gradcam.api.DifferentiableModel;

import dev.gradcam.api.InvalidArgumentException;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How gradients flow backwards through the model. {@link #STANDARD} is exact backpropagation; backends may offer
 * more (guided backpropagation, deconvnet, LRP rules) and list them in {@link DifferentiableModel#gradientModes()}.
 *
 * <p>A mode is a rule family ({@link #name()}) with numeric parameters ({@link #params()}, e.g. LRP's
 * {@code epsilon}) and, for layer-wise relevance propagation, an optional different rule for the input layer
 * ({@link #inputLayerRule()}). Backends list each family they support once, with default parameters; a request is
 * supported when its family (and its input-layer rule's family) is listed, whatever the parameter values: see
 * {@link DifferentiableModel#supports(GradientMode)}. The LRP families and what backends must compute for them are
 * in {@link LrpModes}.
 *
 * @param name           a stable kebab-case family name, e.g. {@code guided} or {@code lrp-epsilon}
 * @param params         numeric parameters by name (copied, sorted); empty for most modes
 * @param inputLayerRule the LRP rule for the layers that read the model input, or null to use this mode there too
 */
public record GradientMode(String name, Map<String, Double> params, GradientMode inputLayerRule) {

    /** Exact reverse-mode gradients. */
    public static final GradientMode STANDARD = new GradientMode("standard");
    /**
     * Guided backpropagation (Springenberg et al. 2015): ReLU-family units pass back only positive gradients, and only
     * where their input was positive.
     */
    public static final GradientMode GUIDED = new GradientMode("guided");
    /** Deconvnet (Zeiler and Fergus 2014): ReLU-family units pass back the ReLU of the incoming gradient. */
    public static final GradientMode DECONVNET = new GradientMode("deconvnet");

    /**
     * @throws InvalidArgumentException if the name is blank, a parameter is not finite, or the input-layer rule has an
     *                                  input-layer rule of its own
     */
    public GradientMode {
        InvalidArgumentException.requireNonNull(name, "name");
        InvalidArgumentException.requireNonNull(params, "params");
        if (name.isBlank()) {
            throw new InvalidArgumentException("gradient mode name must not be blank");
        }
        for (Map.Entry<String, Double> e : params.entrySet()) {
            if (e.getValue() == null || !Double.isFinite(e.getValue())) {
                throw new InvalidArgumentException("gradient mode '" + name + "': parameter " + e.getKey()
                        + " must be a finite number, got " + e.getValue());
            }
        }
        // Sorted, so that equal modes print the same and compare equal whatever the insertion order.
        params = java.util.Collections.unmodifiableMap(new TreeMap<>(params));
        if (inputLayerRule != null && inputLayerRule.inputLayerRule != null) {
            throw new InvalidArgumentException("an input-layer rule cannot have an input-layer rule of its own: "
                    + inputLayerRule.describe());
        }
    }

    /** A mode without parameters, e.g. {@code new GradientMode("guided")}. */
    public GradientMode(String name) {
        this(name, Map.of(), null);
    }

    /** A mode with parameters and no separate input-layer rule. */
    public GradientMode(String name, Map<String, Double> params) {
        this(name, params, null);
    }

    /** A parameter's value, or {@code fallback} when the mode does not set it. */
    public double param(String key, double fallback) {
        InvalidArgumentException.requireNonNull(key, "key");
        Double v = params.get(key);
        return v == null ? fallback : v;
    }

    /** The input-layer rule, if one differs from this mode. */
    public Optional<GradientMode> inputLayer() {
        return Optional.ofNullable(inputLayerRule);
    }

    /**
     * This mode with {@code rule} for the layers that read the model input (LRP's z-box, flat or w-square rules, say).
     *
     * @throws InvalidArgumentException if this mode or {@code rule} is not an LRP rule
     */
    public GradientMode withInputLayerRule(GradientMode rule) {
        InvalidArgumentException.requireNonNull(rule, "rule");
        if (!isLrp() || !rule.isLrp()) {
            throw new InvalidArgumentException("input-layer rules are for layer-wise relevance propagation (lrp-*) "
                    + "modes; got " + describe() + " with input-layer rule " + rule.describe());
        }
        return new GradientMode(name, params, rule);
    }

    /** True for layer-wise relevance propagation rules (names starting with {@code lrp-}). */
    public boolean isLrp() {
        return name.startsWith(LrpModes.PREFIX);
    }

    /** True if {@code other} is of the same family (same name), whatever the parameters. */
    public boolean sameFamily(GradientMode other) {
        return other != null && name.equals(other.name);
    }

    /** Like {@code lrp-epsilon(epsilon=0.01; input layer: lrp-z-box(high=3.0, low=-3.0))}, or just the name. */
    public String describe() {
        if (params.isEmpty() && inputLayerRule == null) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('(');
        String sep = "";
        for (Map.Entry<String, Double> e : params.entrySet()) {
            sb.append(sep).append(e.getKey()).append('=').append(e.getValue());
            sep = ", ";
        }
        if (inputLayerRule != null) {
            sb.append(params.isEmpty() ? "" : "; ").append("input layer: ").append(inputLayerRule.describe());
        }
        return sb.append(')').toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
