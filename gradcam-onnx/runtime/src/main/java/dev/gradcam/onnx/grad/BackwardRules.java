package dev.gradcam.onnx.grad;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The standard backward rule of every supported operator type (default ONNX domain). */
public final class BackwardRules {

    private static final Map<String, BackwardRule> STANDARD = build();

    private BackwardRules() {
    }

    private static Map<String, BackwardRule> build() {
        Map<String, BackwardRule> rules = new HashMap<>();
        ActivationRules.register(rules);
        MathRules.register(rules);
        ArithmeticRules.register(rules);
        LinearRules.register(rules);
        PoolingRules.register(rules);
        NormalizationRules.register(rules);
        ShapeOpRules.register(rules);
        ResizeRule.register(rules);
        AttentionRule.register(rules);
        EinsumRule.register(rules);
        IndexRules.register(rules);
        RoiAlignRule.register(rules);
        return Map.copyOf(rules);
    }

    /** Operator type to standard rule. */
    static Map<String, BackwardRule> standard() {
        return STANDARD;
    }

    /** The operator types gradients can flow through, sorted: what error messages list. */
    public static Set<String> supportedOps() {
        return new TreeSet<>(STANDARD.keySet());
    }
}
