package dev.gradcam.api;

import dev.gradcam.api.cam.CamMath;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.method.LayerMaps;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;

/** Explains blank or broken maps in words: non-finite values, zero gradients, empty selections, negative weights. */
final class MapDiagnostics {

    private MapDiagnostics() {
    }

    /** Adds one message per image and layer that deserves one. */
    static void diagnose(CamMethod method, PassResult pass, List<LayerMaps> layers, MapActivation activation,
                         List<String> out) {
        boolean prefix = layers.size() > 1;
        for (LayerMaps lm : layers) {
            String where = prefix ? "layer " + lm.layer().name() + ", " : "";
            int n = lm.rawMaps().shape().intDim(0);
            for (int i = 0; i < n; i++) {
                String m = diagnose(method, pass, lm, i, activation);
                if (m != null) {
                    out.add(where + "image " + i + ": " + m);
                }
            }
        }
    }

    private static String diagnose(CamMethod method, PassResult pass, LayerMaps lm, int i, MapActivation activation) {
        FloatTensor map = lm.rawMaps().slice(i);
        if (!map.allFinite()) {
            return "the map contains NaN or infinite values (non-finite activations or gradients)";
        }
        if (method.needsGradients() && method.usesLayers() && pass.gradients().containsKey(lm.layer().name())
                && pass.gradient(lm.layer().name()).slice(i).norm() == 0) {
            return "gradients at " + lm.layer().name() + " are all zero: the target does not depend on this layer "
                    + "here (saturated units, or a layer after the output?)";
        }
        ChannelMask mask = lm.mask(i);
        if (mask.count() == 0) {
            return "the feature-map selector kept no channel, so the map is zero";
        }
        float max = map.max();
        if (activation == MapActivation.RELU && max <= 0) {
            float[] w = CamMath.channelWeights(lm.weights(i), mask.channels());
            boolean allNegative = true;
            for (int k : mask.indices()) {
                allNegative &= w[k] < 0;
            }
            return allNegative
                    ? "all selected weights are negative: the ReLU map is blank; use signed or absolute maps "
                            + "(MapActivation.SIGNED / ABS) to see the negative evidence"
                    : "the map has no positive value, so the ReLU map is blank; use signed maps to see it";
        }
        if (max == map.min()) {
            return "the map is constant";
        }
        return null;
    }
}
