package dev.gradcam.onnx.grad;

import dev.gradcam.onnx.graph.ShapeRules;
import java.util.Map;

/** Backward rules of BatchNormalization (inference), LayerNormalization, RMSNormalization, InstanceNormalization and
 * GroupNormalization. */
final class NormalizationRules {

    private NormalizationRules() {
    }

    static void register(Map<String, BackwardRule> rules) {
        rules.put("BatchNormalization", NormalizationRules::batchNorm);
        rules.put("LayerNormalization", NormalizationRules::layerNorm);
        rules.put("RMSNormalization", NormalizationRules::rmsNorm);
        rules.put("InstanceNormalization", NormalizationRules::instanceNorm);
        rules.put("GroupNormalization", NormalizationRules::groupNorm);
    }

    private static void noParameterGradients(BackwardContext c) {
        for (int i = 1; i < c.node().inputs().size(); i++) {
            if (c.needsGradient(i)) {
                throw c.unsupported("its parameters (input " + i + ", '" + c.input(i) + "') depend on the model "
                        + "input; only the data input is differentiable");
            }
        }
    }

    /** Dims that broadcast a per-channel vector against an [N, C, ...] tensor: [C, 1, ..., 1]. */
    private static long[] channelDims(long[] x) {
        long[] d = new long[x.length - 1];
        d[0] = x[1];
        for (int i = 1; i < d.length; i++) {
            d[i] = 1;
        }
        return d;
    }

    static void batchNorm(BackwardContext c) {
        noParameterGradients(c);
        if (c.node().attrInt("training_mode", 0) != 0) {
            throw c.unsupported("training_mode=1 normalises with batch statistics; export the model in eval mode");
        }
        Emitter e = c.emit();
        long[] x = c.dims(c.input(0));
        float eps = c.node().attrFloat("epsilon", 1e-5f);
        // In inference BN is affine per channel: y = scale * (x - mean) / sqrt(var + eps) + B.
        String std = e.op("Sqrt", e.add(c.input(4), e.scalar(eps, c.elemType(c.input(4)))));
        String factor = e.div(c.input(1), std);
        if (c.elemType(c.input(1)) != c.elemType()) {
            factor = e.cast(factor, c.elemType());
        }
        c.addGradient(0, e.mul(c.gradient(), e.reshape(factor, channelDims(x))));
    }

    /**
     * The gradient of y = scale * xhat + bias, xhat = (x - mean) / sqrt(var + eps) over {@code axes}:
     * inv * (gh - mean(gh) - xhat * mean(gh * xhat)) with gh = g * scale.
     */
    private static String normalised(BackwardContext c, long[] axes, String scale, float eps) {
        return normalised(c, c.input(0), c.emit().mul(c.gradient(), scale), axes, eps);
    }

    /** {@link #normalised(BackwardContext, long[], String, float)} of input {@code x} with gh given. */
    private static String normalised(BackwardContext c, String x, String gh, long[] axes, float eps) {
        Emitter e = c.emit();
        String centred = e.sub(x, e.reduceMean(x, axes, true));
        String var = e.reduceMean(e.mul(centred, centred), axes, true);
        String inv = e.op("Reciprocal", e.op("Sqrt", e.add(var, c.scalar(eps))));
        String xhat = e.mul(centred, inv);
        String inner = e.sub(e.sub(gh, e.reduceMean(gh, axes, true)),
                e.mul(xhat, e.reduceMean(e.mul(gh, xhat), axes, true)));
        return e.mul(inv, inner);
    }

    static void layerNorm(BackwardContext c) {
        noParameterGradients(c);
        long[] x = c.dims(c.input(0));
        long axis = c.node().attrInt("axis", -1);
        int a = (int) (axis < 0 ? axis + x.length : axis);
        long[] axes = new long[x.length - a];
        for (int i = a; i < x.length; i++) {
            axes[i - a] = i;
        }
        c.addGradient(0, normalised(c, axes, c.input(1), c.node().attrFloat("epsilon", 1e-5f)));
    }

    /**
     * RMSNormalization (opset 23): y = scale * x * r over the axes from {@code axis} on, r = 1 / sqrt(mean(x^2) +
     * eps). Its gradient is r * (gh - xhat * mean(gh * xhat)) with xhat = x * r and gh = g * scale: LayerNorm's
     * without the centring.
     */
    static void rmsNorm(BackwardContext c) {
        noParameterGradients(c);
        if (c.node().attrInt("stash_type", 1) != 1) {
            throw c.unsupported("stash_type " + c.node().attrInt("stash_type", 1) + " is not supported; export with "
                    + "the default stash_type=1 (float32 statistics)");
        }
        Emitter e = c.emit();
        String x = c.input(0);
        long[] dims = c.dims(x);
        long axis = c.node().attrInt("axis", -1);
        int a = (int) (axis < 0 ? axis + dims.length : axis);
        long[] axes = new long[dims.length - a];
        for (int i = a; i < dims.length; i++) {
            axes[i - a] = i;
        }
        String gh = e.mul(c.gradient(), c.input(1));
        String inv = e.op("Reciprocal", e.op("Sqrt", e.add(e.reduceMean(e.mul(x, x), axes, true),
                c.scalar(c.node().attrFloat("epsilon", 1e-5f)))));
        String xhat = e.mul(x, inv);
        c.addGradient(0, e.mul(inv, e.sub(gh, e.mul(xhat, e.reduceMean(e.mul(gh, xhat), axes, true)))));
    }

    static void instanceNorm(BackwardContext c) {
        noParameterGradients(c);
        long[] x = c.dims(c.input(0));
        long[] axes = new long[x.length - 2];
        for (int i = 2; i < x.length; i++) {
            axes[i - 2] = i;
        }
        String scale = c.emit().reshape(c.input(1), channelDims(x));
        c.addGradient(0, normalised(c, axes, scale, c.node().attrFloat("epsilon", 1e-5f)));
    }

    /**
     * GroupNormalization: x viewed as [N, G, C/G * spatial] is normalised over its last axis, then scaled and
     * shifted. Opset 18 has one scale per group ([G]); opset 21 one per channel ([C]).
     */
    static void groupNorm(BackwardContext c) {
        noParameterGradients(c);
        Emitter e = c.emit();
        long[] x = c.dims(c.input(0));
        long groups = c.node().attrInt("num_groups", 0);
        if (x.length < 2 || groups <= 0 || x[1] % groups != 0) {
            throw c.unsupported("num_groups must divide the channel count");
        }
        long[] scaleDims = c.dims(c.input(1));
        long scaleSize = ShapeRules.product(scaleDims, 0, scaleDims.length);
        long[] grouped = {x[0], groups, ShapeRules.product(x, 1, x.length) / groups};
        String gh;
        if (e.opset() >= 21) {
            if (scaleSize != x[1]) {
                throw c.unsupported("from opset 21 scale must have one value per channel");
            }
            gh = e.reshape(e.mul(c.gradient(), e.reshape(c.input(1), channelDims(x))), grouped);
        } else {
            if (scaleSize != groups) {
                throw c.unsupported("before opset 21 scale must have one value per group");
            }
            gh = e.mul(e.reshape(c.gradient(), grouped), e.reshape(c.input(1), new long[] {groups, 1}));
        }
        String g = normalised(c, e.reshape(c.input(0), grouped), gh, new long[] {2},
                c.node().attrFloat("epsilon", 1e-5f));
        c.addGradient(0, e.reshape(g, x));
    }
}
