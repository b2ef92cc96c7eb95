package dev.gradcam.onnx.grad;

import dev.gradcam.api.spi.GradientMode;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The gradient modes the compiler offers, each a set of rule overrides on top of the standard rules. Guided
 * backpropagation and deconvnet change only the ReLU-family units (Relu, LeakyRelu, and Clip with a lower bound of 0
 * such as ReLU6); further modes (LRP rules) are added the same way, as overrides of a few rules.
 */
public final class GradientModes {

    private static final Map<GradientMode, Map<String, BackwardRule>> OVERRIDES = Map.of(
            GradientMode.STANDARD, Map.of(),
            GradientMode.GUIDED, Map.of(
                    "Relu", GradientModes::guidedRelu,
                    "LeakyRelu", c -> c.addGradient(0, positiveOnly(c, ActivationRules.leakyReluGradient(c))),
                    "Clip", GradientModes::guidedClip),
            GradientMode.DECONVNET, Map.of(
                    "Relu", GradientModes::deconvnet,
                    "LeakyRelu", GradientModes::deconvnet,
                    "Clip", c -> {
                        if (ActivationRules.clipIsReluLike(c)) {
                            deconvnet(c);
                        } else {
                            ActivationRules.clip(c);
                        }
                    }));

    private GradientModes() {
    }

    /** The modes supported. */
    public static Set<GradientMode> supported() {
        return OVERRIDES.keySet();
    }

    /** The rule table for a mode: the standard rules with the mode's overrides. */
    static Map<String, BackwardRule> rules(GradientMode mode) {
        Map<String, BackwardRule> rules = new HashMap<>(BackwardRules.standard());
        Map<String, BackwardRule> overrides = OVERRIDES.get(mode);
        if (overrides == null) {
            throw new IllegalArgumentException("unknown gradient mode " + mode);
        }
        rules.putAll(overrides);
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
