package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.cam.PrincipalComponent;
import dev.gradcam.api.post.Bilinear;
import dev.gradcam.api.spi.BiasGradient;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * FullGrad (Srinivas and Fleuret 2019): the full-gradient decomposition {@code f(x) = grad_x f . x + sum_l grad_b f . b}
 * (exact for piecewise-linear networks) turned into a saliency map,
 * {@code S = psi(|x .* grad_x f|) + sum_l sum_c psi(|b_c * grad_{z_l} f_c|)}, where psi takes the absolute value,
 * rescales to [0, 1] and upsamples to the input size, and {@code grad_{z_l} f} is the gradient with respect to bias
 * layer l's output (so {@code b_c * grad_z f} summed over positions is {@code b_c * df/db_c}).
 *
 * <p>It uses every bias layer the backend reports (see {@link BiasGradient}), not the explainer's layers: the layers
 * set on the explainer are ignored, and so are the selector (there are no channels to choose). Needs
 * {@link Capability#INPUT_GRADIENT} and {@link Capability#BIAS_GRADIENTS}; one forward and one backward pass.
 *
 * <p>Raw maps are S at the input resolution [N, H, W] (non-negative; the explainer then normalises). Weights are the
 * signed terms of the decomposition per image, [1 + L]: {@code sum x .* grad_x f} first, then
 * {@code sum_c b_c sum_ij grad_z f} for each bias layer; for a ReLU network with 2-D bias layers only they add up to
 * the target score minus the classifier's own bias. Eigen-smoothing replaces the sum of the 1 + L term maps by their
 * first principal component.
 *
 * <p>psi follows the authors' code by default ({@link Scaling#PER_IMAGE}: one min-max over all channels of a term,
 * {@code (t - min) / (max + 1e-6)} after the shift, corner-aligned upsampling). pytorch-grad-cam rescales every
 * channel separately ({@code (t - min) / (max - min + 1e-7)}) and resizes with half-pixel centres (OpenCV):
 * {@link Scaling#PER_CHANNEL}. Immutable.
 */
public final class FullGrad implements CamMethod {

    /** How each term is rescaled before the terms are summed. */
    public enum Scaling {
        /** The authors' code: one min-max per image over all channels of a term; corner-aligned upsampling. */
        PER_IMAGE,
        /** pytorch-grad-cam: a min-max per channel, then half-pixel upsampling, then the sum over channels. */
        PER_CHANNEL
    }

    private final Scaling scaling;

    FullGrad(Scaling scaling) {
        this.scaling = InvalidArgumentException.requireNonNull(scaling, "scaling");
    }

    /** The same method with another scaling of the terms. */
    public FullGrad withScaling(Scaling scaling) {
        return new FullGrad(scaling);
    }

    public Scaling scaling() {
        return scaling;
    }

    /** {@link Scaling#PER_CHANNEL} under {@link Compatibility#PYTORCH_GRAD_CAM}. */
    @Override
    public CamMethod compatible(Compatibility compatibility) {
        return compatibility == Compatibility.PYTORCH_GRAD_CAM ? withScaling(Scaling.PER_CHANNEL) : this;
    }

    @Override
    public String name() {
        return "full-grad";
    }

    @Override
    public Set<Capability> requiredCapabilities() {
        return Set.of(Capability.INPUT_GRADIENT, Capability.BIAS_GRADIENTS);
    }

    @Override
    public boolean needsGradients() {
        return true;
    }

    @Override
    public boolean usesLayers() {
        return false;
    }

    @Override
    public void configure(PassRequest.Builder request) {
        InvalidArgumentException.requireNonNull(request, "request");
        request.inputGradient(true).biasGradients(true);
    }

    @Override
    public List<LayerMaps> explain(CamContext context) {
        InvalidArgumentException.requireNonNull(context, "context");
        PassResult pass = context.pass();
        FloatTensor x = context.images();
        FloatTensor gx = pass.inputGradient().orElseThrow(() -> new InvalidInputException(
                "the backend returned no input gradient although FullGrad asked for one"));
        List<BiasGradient> biases = pass.biasGradients();
        if (biases.isEmpty()) {
            context.diagnose("the backend reported no bias layers, so FullGrad is the input-gradient term alone");
        }
        Shape s = x.shape();
        if (s.rank() != 4) {
            throw new InvalidInputException("FullGrad works on images [N, C, H, W]; got " + s + " (3-D inputs: use "
                    + "grad-cam, hires-cam, layer-cam, eigen-cam, fem or kpca-cam at a 3-D layer)");
        }
        int n = s.intDim(0);
        int height = s.intDim(2);
        int width = s.intDim(3);
        List<FloatTensor> maps = new ArrayList<>(n);
        List<FloatTensor> weights = new ArrayList<>(n);
        List<ChannelMask> masks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            List<FloatTensor> terms = new ArrayList<>(1 + biases.size());
            float[] signed = new float[1 + biases.size()];
            terms.add(term(product(x.slice(i), gx.slice(i), null), height, width));
            signed[0] = (float) sumOfProduct(x.slice(i), gx.slice(i), null);
            for (int l = 0; l < biases.size(); l++) {
                BiasGradient bg = biases.get(l);
                terms.add(term(product(null, bg.gradient().slice(i), bg.bias()), height, width));
                signed[l + 1] = (float) sumOfProduct(null, bg.gradient().slice(i), bg.bias());
            }
            FloatTensor stacked = FloatTensor.stack(terms);
            maps.add(context.eigenSmooth() ? PrincipalComponent.of(stacked).map() : sumPlanes(stacked));
            weights.add(FloatTensor.wrapOwned(Shape.of(signed.length), signed));
            masks.add(ChannelMask.all(signed.length));
        }
        LayerInfo layer = new LayerInfo("full-gradient", "input and " + biases.size() + " bias layers", "FullGrad",
                Shape.of(Shape.DYNAMIC, 1, height, width));
        return List.of(new LayerMaps(layer, FloatTensor.stack(maps), weights, masks));
    }

    /** |a .* g| or |b_c * g| per element, [K, h, w]. */
    private static FloatTensor product(FloatTensor a, FloatTensor g, FloatTensor bias) {
        Shape s = g.shape();
        int plane = s.intDim(1) * s.intDim(2);
        float[] t = new float[g.size()];
        for (int i = 0; i < t.length; i++) {
            float f = a != null ? a.getFlat(i) : bias.getFlat(i / plane);
            t[i] = Math.abs(f * g.getFlat(i));
        }
        return FloatTensor.wrapOwned(s, t);
    }

    private static double sumOfProduct(FloatTensor a, FloatTensor g, FloatTensor bias) {
        int plane = g.shape().intDim(1) * g.shape().intDim(2);
        double sum = 0;
        for (int i = 0; i < g.size(); i++) {
            sum += (double) (a != null ? a.getFlat(i) : bias.getFlat(i / plane)) * g.getFlat(i);
        }
        return sum;
    }

    /** psi of one term [K, h, w], summed over channels: [H, W]. */
    private FloatTensor term(FloatTensor t, int height, int width) {
        float[] d = t.toArray();
        int k = t.shape().intDim(0);
        int plane = d.length / k;
        if (scaling == Scaling.PER_IMAGE) {
            rescale(d, 0, d.length, 1e-6);
            FloatTensor up = Bilinear.resizeAlignCorners(FloatTensor.wrapOwned(t.shape(), d), height, width);
            return sumPlanes(up);
        }
        for (int c = 0; c < k; c++) {
            rescale(d, c * plane, plane, 1e-7);
        }
        return sumPlanes(Bilinear.resize(FloatTensor.wrapOwned(t.shape(), d), height, width));
    }

    /**
     * {@code (x - min) / (max - min + eps)}: the authors' "shift to 0, divide by the shifted max plus eps" and
     * pytorch-grad-cam's {@code scale_cam_image} are both this.
     */
    private static void rescale(float[] d, int from, int len, double eps) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (int i = from; i < from + len; i++) {
            min = Math.min(min, d[i]);
            max = Math.max(max, d[i]);
        }
        double den = max - min + eps;
        for (int i = from; i < from + len; i++) {
            d[i] = (float) ((d[i] - min) / den);
        }
    }

    private static FloatTensor sumPlanes(FloatTensor t) {
        Shape s = t.shape();
        int k = s.intDim(0);
        int plane = t.size() / k;
        float[] out = new float[plane];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < plane; i++) {
                out[i] += t.getFlat(c * plane + i);
            }
        }
        return FloatTensor.wrapOwned(s.dropFirst(1), out);
    }

    @Override
    public String settings() {
        return "scaling=" + scaling;
    }
}
