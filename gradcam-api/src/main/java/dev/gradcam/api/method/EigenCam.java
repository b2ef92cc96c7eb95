package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
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
 * Eigen-CAM (Muhammad and Yeasin 2020), Eigen-Grad-CAM and Seg-Eigen-CAM: the map is the first principal component of the feature
 * maps, {@code p = X_c v}, where X holds one row per position and one column per channel, centred per channel, and v
 * is its first right singular vector ({@link PrincipalComponent}: exact, pure Java, sign fixed so that
 * {@code sum_k v_k > 0}, i.e. the map agrees with the centred sum of the maps). Eigen-CAM uses the activations
 * ({@code X = A}: class-agnostic, no gradients); Eigen-Grad-CAM uses {@code X = dy/dA .* A}, which makes it
 * class-specific. Seg-Eigen-CAM (Chung and Ying 2025; pytorch-grad-cam's {@code SegEigenCAM}) uses
 * {@code X = |dy/dA| .* A}, so negative gradients count as evidence too, and replaces the sign convention by the
 * paper's Eq. 13: the map is negated when its most negative value is larger in magnitude than its most positive one
 * (this is what pytorch-grad-cam does after LAPACK's arbitrary sign, so the two agree exactly).
 *
 * <p>Weights are v [K]: {@code p = sum_k v_k (X_k - mean(X_k))}. The selector sees v as the channel weights and
 * restricts that sum to the selected channels (the component itself is always computed from all channels). Eigen-
 * smoothing changes nothing here: the map already is a principal component. Cost: one forward pass (plus one backward
 * for Eigen-Grad-CAM), and an O(min(K, hw)^3) eigen-decomposition per image and layer. Immutable.
 */
public final class EigenCam implements CamMethod {

    /** What the principal component is taken of. */
    enum Input {
        /** A: Eigen-CAM. */
        ACTIVATIONS("eigen-cam"),
        /** G .* A: Eigen-Grad-CAM. */
        GRADIENT_TIMES_ACTIVATIONS("eigen-grad-cam"),
        /** |G| .* A with the peak-sign correction: Seg-Eigen-CAM. */
        ABS_GRADIENT_TIMES_ACTIVATIONS("seg-eigen-cam");

        private final String method;

        Input(String method) {
            this.method = method;
        }
    }

    private final Input input;
    private final boolean gradients;

    EigenCam(Input input) {
        this.input = input;
        this.gradients = input != Input.ACTIVATIONS;
    }

    @Override
    public String name() {
        return input.method;
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
        InvalidArgumentException.requireNonNull(context, "context");
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
                FloatTensor x = g == null ? a : product(a, g, input == Input.ABS_GRADIENT_TIMES_ACTIVATIONS);
                PrincipalComponent pc = PrincipalComponent.of(x);
                float sign = input == Input.ABS_GRADIENT_TIMES_ACTIVATIONS
                        && Math.abs(pc.map().min()) > Math.abs(pc.map().max()) ? -1f : 1f;
                FloatTensor direction = times(pc.direction(), sign);
                ChannelStats stats = CamMath.stats(i, a, g, direction);
                ChannelMask mask = context.select(stats);
                weights.add(direction);
                masks.add(mask);
                maps.add(times(pc.project(x, mask), sign));
            }
            out.add(new LayerMaps(layer, FloatTensor.stack(maps), weights, masks));
        }
        return out;
    }

    private static FloatTensor times(FloatTensor t, float sign) {
        if (sign == 1f) {
            return t;
        }
        float[] x = t.toArray();
        for (int i = 0; i < x.length; i++) {
            x[i] *= sign;
        }
        return FloatTensor.wrapOwned(t.shape(), x);
    }

    private static FloatTensor product(FloatTensor a, FloatTensor g, boolean absoluteGradient) {
        float[] x = new float[a.size()];
        for (int i = 0; i < x.length; i++) {
            float gi = g.getFlat(i);
            x[i] = a.getFlat(i) * (absoluteGradient ? Math.abs(gi) : gi);
        }
        return FloatTensor.wrapOwned(a.shape(), x);
    }
}
