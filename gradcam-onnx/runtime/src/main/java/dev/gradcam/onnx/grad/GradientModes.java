package dev.gradcam.onnx.grad;

import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LrpModes;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The gradient modes the compiler offers, each a set of rule overrides on top of the standard rules, chosen by the
 * mode's family ({@link GradientMode#name()}); parameters are read by the rules. Guided backpropagation and deconvnet
 * change only the ReLU-family units (Relu, LeakyRelu, and Clip with a lower bound of 0 such as ReLU6); the LRP modes
 * ({@link LrpModes}) change only Conv, Gemm and MatMul with a constant operand ({@link LrpRules}). Every other
 * operator, including the smooth and thresholded activations (Softsign, Celu, Mish, ThresholdedRelu, ...), keeps its
 * standard gradient in every mode.
 */
public final class GradientModes {

    /**
     * The rule tables, built when a graph is first differentiated: building them loads every backward rule, about
     * 0.15 s in a fresh JVM that a warm start (every variant from the compile cache) never needs.
     */
    private static final class Tables {

        private static final Map<String, Map<String, BackwardRule>> OVERRIDES = Map.of(
                GradientMode.STANDARD.name(), Map.of(),
                LrpModes.EPSILON, LrpRules.overrides(),
                LrpModes.ALPHA_BETA, LrpRules.overrides(),
                LrpModes.Z_PLUS, LrpRules.overrides(),
                GradientMode.GUIDED.name(), Map.of(
                        "Relu", GradientModes::guidedRelu,
                        "LeakyRelu", c -> c.addGradient(0, positiveOnly(c, ActivationRules.leakyReluGradient(c))),
                        "Clip", GradientModes::guidedClip),
                GradientMode.DECONVNET.name(), Map.of(
                        "Relu", GradientModes::deconvnet,
                        "LeakyRelu", GradientModes::deconvnet,
                        "Clip", c -> {
                            if (ActivationRules.clipIsReluLike(c)) {
                                deconvnet(c);
                            } else {
                                ActivationRules.clip(c);
                            }
                        }));

        /** Family name to its rule table: the standard rules with the family's overrides, built once. */
        static final Map<String, Map<String, BackwardRule>> TABLES = tables();

        private static Map<String, Map<String, BackwardRule>> tables() {
            Map<String, Map<String, BackwardRule>> tables = new HashMap<>();
            OVERRIDES.forEach((family, overrides) -> {
                Map<String, BackwardRule> rules = new HashMap<>(BackwardRules.standard());
                rules.putAll(overrides);
                tables.put(family, Map.copyOf(rules));
            });
            return Map.copyOf(tables);
        }
    }

    private static final Set<GradientMode> SUPPORTED = supportedModes();

    private GradientModes() {
    }

    private static Set<GradientMode> supportedModes() {
        Set<GradientMode> modes = new LinkedHashSet<>(List.of(GradientMode.STANDARD, GradientMode.GUIDED,
                GradientMode.DECONVNET));
        modes.addAll(LrpModes.all());
        return java.util.Collections.unmodifiableSet(modes);
    }

    /**
     * The modes supported, each family once with example parameters (see
     * {@link dev.gradcam.api.DifferentiableModel#supports}): standard, guided, deconvnet and every LRP family
     * ({@link LrpModes#all()}; z-box, flat and w-square only as input-layer rules).
     */
    public static Set<GradientMode> supported() {
        return SUPPORTED;
    }

    /** True if the mode's family, and its input-layer rule's family if any, are supported. */
    public static boolean isSupported(GradientMode mode) {
        java.util.function.Predicate<GradientMode> listed = m -> SUPPORTED.stream().anyMatch(m::sameFamily);
        return listed.test(mode) && mode.inputLayer().map(listed::test).orElse(true);
    }

    /**
     * Checks the parameters and the structure of a supported mode: only LRP modes take an input-layer rule; an
     * input-layer-only LRP rule is not the main rule; epsilon &ge; 0; alpha, beta &ge; 0 with alpha - beta = 1;
     * z-box bounds with low &lt; high.
     *
     * @throws InvalidInputException naming what is wrong
     */
    public static void validate(GradientMode mode) {
        if (!mode.isLrp()) {
            if (mode.inputLayer().isPresent()) {
                throw new InvalidInputException("gradient mode " + mode.describe() + ": input-layer rules are for "
                        + "LRP modes only");
            }
            return;
        }
        LrpModes.validate(mode);
        LrpRules.checkParameters(mode);
        mode.inputLayer().ifPresent(LrpRules::checkParameters);
    }

    /** The rule table for a mode: the standard rules with the overrides of the mode's family. */
    static Map<String, BackwardRule> rules(GradientMode mode) {
        Map<String, BackwardRule> rules = Tables.TABLES.get(mode.name());
        if (rules == null) {
            throw new IllegalArgumentException("unknown gradient mode " + mode);
        }
        return rules;
    }

    /** Keeps a local gradient only where the incoming gradient is positive (guided backpropagation). */
    private static String positiveOnly(BackwardContext c, String local) {
        Emitter e = c.emit();
        return e.where(e.greater(c.gradient(), c.scalar(0)), local, c.scalar(0));
    }

    private static void guidedRelu(BackwardContext c) {
        Emitter e = c.emit();
        String pass = e.and(ActivationRules.positive(c), e.greater(c.gradient(), c.scalar(0)));
        c.addGradient(0, e.where(pass, c.gradient(), c.scalar(0)));
    }

    private static void guidedClip(BackwardContext c) {
        if (!ActivationRules.clipIsReluLike(c)) {
            ActivationRules.clip(c);
            return;
        }
        Emitter e = c.emit();
        String inside = ActivationRules.clipInside(c);
        String pass = e.greater(c.gradient(), c.scalar(0));
        if (inside != null) {
            pass = e.and(inside, pass);
        }
        c.addGradient(0, e.where(pass, c.gradient(), c.scalar(0)));
    }

    /** Deconvnet: the ReLU of the incoming gradient, whatever the forward input was. */
    private static void deconvnet(BackwardContext c) {
        c.addGradient(0, c.emit().op("Relu", c.gradient()));
    }
}
