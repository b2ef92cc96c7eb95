package dev.gradcam.nd4j.onnx;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The ONNX operators the translator knows, by op type (default domain). Immutable. */
final class OpTable {

    private static final Map<String, OpTranslator> TABLE = build();

    private OpTable() {
    }

    /** The translator for {@code opType}, or null. */
    static OpTranslator get(String opType) {
        return TABLE.get(opType);
    }

    /** The supported op types, sorted. */
    static Set<String> supported() {
        return TABLE.keySet();
    }

    private static Map<String, OpTranslator> build() {
        Map<String, OpTranslator> t = new TreeMap<>();
        ConvOps.register(t);
        PoolOps.register(t);
        ElementwiseOps.register(t);
        ActivationOps.register(t);
        ShapeOps.register(t);
        LinearOps.register(t);
        NormOps.register(t);
        return java.util.Collections.unmodifiableMap(t);
    }
}
