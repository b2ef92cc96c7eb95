package dev.gradcam.nd4j.onnx;

import dev.gradcam.onnx.graph.Node;

/** Translates one ONNX node into SameDiff ops, defining its outputs in the context under their ONNX names. */
@FunctionalInterface
interface OpTranslator {

    /**
     * Translates {@code node}.
     *
     * @throws dev.gradcam.api.UnsupportedOperatorException if this form of the op cannot be translated
     */
    void translate(Node node, TranslationContext ctx);
}
