package dev.gradcam.api.method;

import dev.gradcam.api.cam.CamMath;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.cam.ChannelStats;
import dev.gradcam.api.cam.PrincipalComponent;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Eigen-CAM (Muhammad and Yeasin 2020) and Eigen-Grad-CAM: the map is the first principal component of the feature
 * maps, {@code p = X_c v}, where X holds one row per position and one column per channel, centred per channel, and v
 * is its first right singular vector ({@link PrincipalComponent}: exact, pure Java, sign fixed so that
 * {@code sum_k v_k > 0}, i.e. the map agrees with the centred sum of the maps). Eigen-CAM uses the activations
 * ({@code X = A}: class-agnostic, no gradients); Eigen-Grad-CAM uses {@code X = dy/dA .* A}, which makes it
 * class-specific.
 *
 * <p>Weights are v [K]: {@code p = sum_k v_k (X_k - mean(X_k))}. The selector sees v as the channel weights and
 * restricts that sum to the selected channels (the component itself is always computed from all channels). Eigen-
 * smoothing changes nothing here: the map already is a principal component. Cost: one forward pass (plus one backward
 * for Eigen-Grad-CAM), and an O(min(K, hw)^3) eigen-decomposition per image and layer. Immutable.
 */
public final class EigenCam implements CamMethod {

    private final boolean gradients;

    EigenCam(boolean gradients) {
        this.gradients = gradients;
    }

    @Override
    public String name() {
        return gradients ? "eigen-grad-cam" : "eigen-cam";
    }

    @Override
    public Set<Capability> requiredCapabilities() {
        return gradients ? Set.of(Capability.LAYER_GRADIENTS) : Set.of();
    }

    @Override
    public boolean needsGradients() {
        return gradients;
    }

    @Override
    public List<LayerMaps> explain(CamContext context) {
        List<LayerMaps> out = new ArrayList<>();
        for (LayerInfo layer : context.layers()) {
            FloatTensor acts = context.activations(layer);
            FloatTensor grads = gradients ? context.gradients(layer) : null;
            int n = acts.shape().intDim(0);
            List<FloatTensor> weights = new ArrayList<>(n);
            List<ChannelMask> masks = new ArrayList<>(n);
            List<FloatTensor> maps = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                FloatTensor a = acts.slice(i);
                FloatTensor g = grads == null ? null : grads.slice(i);
                FloatTensor x = g == null ? a : product(a, g);
                PrincipalComponent pc = PrincipalComponent.of(x);
                ChannelStats stats = CamMath.stats(i, a, g, pc.direction());
                ChannelMask mask = context.select(stats);
                weights.add(pc.direction());
                masks.add(mask);
                maps.add(pc.project(x, mask));
            }
            out.add(new LayerMaps(layer, FloatTensor.stack(maps), weights, masks));
        }
        return out;
    }

    private static FloatTensor product(FloatTensor a, FloatTensor g) {
        float[] x = new float[a.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = a.getFlat(i) * g.getFlat(i);
        }
        return FloatTensor.wrapOwned(a.shape(), x);
    }
}
