package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.cam.GradientReducers;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * ShapleyCAM (Cai et al. 2025, "CAMs as Shapley value-based explainers"; pytorch-grad-cam's {@code ShapleyCAM}):
 * {@code w_k = mean over positions of (g - 0.5 H A)_k}, where {@code g} is the gradient of the target with respect to
 * the layer's activations {@code A} and {@code H A} the Hessian of the target with respect to {@code A} applied to
 * {@code A}: the second-order Taylor estimate of each position's Shapley value. No ReLU or absolute value on the
 * weights (as in pytorch-grad-cam); the map is post-processed like Grad-CAM's.
 *
 * <p>Where the part of the model after the layer is piecewise linear (ReLU, max pooling, linear layers) and the
 * target is linear in the output (a logit), {@code H A} is zero and the method equals Grad-CAM; it differs for heads
 * with smooth non-linearities (GELU, SiLU, LayerNorm, softmax attention) and for targets that curve, such as ReST
 * ({@code Targets.rest}, what the paper and pytorch-grad-cam's tutorial pair it with) or softmax probabilities. Each
 * layer's product holds that layer's own second derivatives, as pytorch-grad-cam computes them per target layer.
 *
 * <p>Cost: one pass that runs the forward, the backward and the backward of the backward (about three times a
 * Grad-CAM pass); a target that is not linear in the output adds a forward pass before it (for its seed, as for any
 * such target) and one first-order pass per layer after it (the target's own curvature). Needs a backend declaring
 * {@link Capability#HESSIAN_PRODUCTS} (the ONNX backend; not the ND4J one). Immutable.
 */
public final class ShapleyCam extends ChannelWeightingMethod {

    ShapleyCam() {
        super("shapley-cam");
    }

    @Override
    public Set<Capability> requiredCapabilities() {
        return Set.of(Capability.LAYER_GRADIENTS, Capability.HESSIAN_PRODUCTS);
    }

    @Override
    public boolean needsGradients() {
        return true;
    }

    @Override
    public void configure(PassRequest.Builder request) {
        InvalidArgumentException.requireNonNull(request, "request");
        request.hessianProducts(true);
    }

    @Override
    protected List<FloatTensor> weights(CamContext context, LayerInfo layer, FloatTensor activations,
                                        FloatTensor gradients) {
        FloatTensor products = context.hessianProducts(layer);
        float[] g = gradients.toArray();
        float[] h = products.toArray();
        float[] corrected = new float[g.length];
        for (int i = 0; i < g.length; i++) {
            corrected[i] = (float) (g[i] - 0.5 * h[i]);
        }
        FloatTensor c = FloatTensor.wrapOwned(gradients.shape(), corrected);
        int n = activations.shape().intDim(0);
        List<FloatTensor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(GradientReducers.globalAverage().reduce(activations.slice(i), c.slice(i)));
        }
        return out;
    }
}
