package dev.gradcam.onnx.thirdparty;

import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.onnx.proto.Onnx.ModelProto;
import dev.gradcam.onnx.runtime.OnnxModel;
import dev.gradcam.onnx.runtime.OnnxOptions;
import dev.gradcam.onnx.testing.OrtRunner;
import java.util.List;
import java.util.Map;

/** ONNX Runtime's own outputs for a model proto, the reference that conversion must not change. */
final class OrtOutputs {

    private OrtOutputs() {
    }

    /** Output {@code output} of {@code model} fed {@code x} at input {@code input}. */
    static float[] run(ModelProto model, String input, FloatTensor x, String output) {
        long[] dims = new long[x.shape().rank()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = x.shape().dim(i);
        }
        try (OrtRunner r = new OrtRunner(model)) {
            return r.run(Map.of(input, x.toArray()), Map.of(input, dims), List.of(output)).get(output);
        }
    }

    /** {@code |a - b| / |b|} in L2, accumulated in double. */
    static double relativeError(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    /**
     * The input gradient of {@code target} on {@code original} and on {@code converted}, each compiled by gradcam:
     * the backward graph in the model's own opset against the one written for the converted graph.
     */
    static double inputGradientError(ModelProto original, ModelProto converted, FloatTensor x, Target target) {
        OnnxOptions cpu = OnnxOptions.parse(Map.of("executionProvider", "cpu"));
        try (OnnxModel a = OnnxModel.of(original, "original", cpu);
                OnnxModel b = OnnxModel.of(converted, "converted", cpu)) {
            PassRequest request = PassRequest.builder(x).inputGradient(true)
                    .seed(Targets.seedFor(List.of(target), 1)).build();
            FloatTensor ga = a.run(request).inputGradient().orElseThrow();
            FloatTensor gb = b.run(request).inputGradient().orElseThrow();
            return gb.relativeError(ga);
        }
    }
}
