package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Ablation-CAM (Desai and Ramaswamy 2020): channel k's weight is the relative drop of the target score when that
 * feature map is switched off, {@code w_k = (y - y_k) / y}, and the map is {@code sum_k w_k A_k}. Gradient-free.
 *
 * <p><b>Cost:</b> the backbone runs once (the explainer's forward pass with the tap); then only the head, the part of
 * the model after the layer, runs on ablated copies of the activations through
 * {@link dev.gradcam.api.DifferentiableModel#runHead} — never the whole model per ablation. Copies go
 * {@link #maxBatch()} at a time, so memory is one batch of [maxBatch, K, h, w] activations. N*K head evaluations in
 * all, reported to the context's {@link ProgressListener}. Needs {@link Capability#HEAD_EXECUTION}.
 *
 * <p>The paper zeroes the channel ({@link #ABLATE_TO_ZERO}, the default). pytorch-grad-cam zeroes it only when the
 * layer's smallest activation is 0 and otherwise writes {@code min - 1e7} (its {@code AblationLayer}); choose that
 * with {@link #withPytorchGradCamAblation(boolean)} or {@link Compatibility#PYTORCH_GRAD_CAM}. Its
 * {@code AblationLayer} takes that minimum over the whole batch of copies it is ablating in place, so the j-th copy of
 * a batch (j from 0) gets {@code min - (j + 1) * 1e7}: the value depends on the position in the batch, which we
 * reproduce (with the same batch of 32 copies it gives the same weights). When {@code y} is exactly 0 the relative drop is undefined
 * and the weights are the plain drops {@code y - y_k}. The selector acts after the weights are known.
 *
 * <p>On a token layer [N, K + h*w, C] channel k is switched off in every token, the leading ones (class,
 * distillation) included, as pytorch-grad-cam's {@code AblationLayerVit} does; the minimum for its ablation value is
 * taken over all tokens. Immutable.
 */
public final class AblationCam extends ChannelWeightingMethod {

    /** pytorch-grad-cam's default batch. */
    public static final int DEFAULT_MAX_BATCH = 32;
    /** The paper's ablation: the feature map becomes 0. */
    public static final float ABLATE_TO_ZERO = 0f;

    private final int maxBatch;
    private final boolean pytorchGradCamAblation;

    AblationCam(int maxBatch, boolean pytorchGradCamAblation) {
        super("ablation-cam");
        if (maxBatch < 1) {
            throw new InvalidArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        this.maxBatch = maxBatch;
        this.pytorchGradCamAblation = pytorchGradCamAblation;
    }

    /** At most this many ablated copies per head evaluation. */
    public int maxBatch() {
        return maxBatch;
    }

    /** The same method with another memory bound (ablated copies per head batch, >= 1). */
    public AblationCam withMaxBatch(int maxBatch) {
        return new AblationCam(maxBatch, pytorchGradCamAblation);
    }

    /**
     * Ablate as pytorch-grad-cam does: to 0 when the image's smallest activation at the layer is 0, otherwise to that
     * minimum minus 1e7 (far below anything the head has seen).
     */
    public AblationCam withPytorchGradCamAblation(boolean on) {
        return new AblationCam(maxBatch, on);
    }

    /** pytorch-grad-cam's ablation values under {@link Compatibility#PYTORCH_GRAD_CAM}. */
    @Override
    public CamMethod compatible(Compatibility compatibility) {
        return compatibility == Compatibility.PYTORCH_GRAD_CAM ? withPytorchGradCamAblation(true) : this;
    }

    @Override
    public Set<Capability> requiredCapabilities() {
        return Set.of(Capability.HEAD_EXECUTION);
    }

    @Override
    public boolean needsGradients() {
        return false;
    }

    @Override
    protected List<FloatTensor> weights(CamContext context, LayerInfo layer, FloatTensor activations,
                                        FloatTensor gradients) {
        Shape s = activations.shape();
        int n = s.intDim(0);
        int k = s.intDim(1);
        int plane = activations.size() / (n * k); // h w, or d h w for volumes
        int per = k * plane;
        double[] y = context.scores();
        long total = (long) n * k;
        long done = 0;
        String task = name() + " head passes at " + layer.name();
        List<FloatTensor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FloatTensor a = activations.slice(i);
            // A token layer's leading tokens (the class token) hold the same channels: channel k is switched off
            // there too, as pytorch-grad-cam's AblationLayerVit does, and they count for its minimum.
            FloatTensor lead = context.leadingTokens(layer, i);
            int tokens = lead.shape().intDim(1);
            float min = tokens > 0 ? Math.min(a.min(), lead.min()) : a.min();
            float[] w = new float[k];
            for (int start = 0; start < k; start += maxBatch) {
                int b = Math.min(maxBatch, k - start);
                float[] data = new float[b * per];
                float[] leading = new float[b * tokens * k];
                for (int j = 0; j < b; j++) {
                    a.copyTo(data, j * per);
                    int ch = start + j;
                    float value = ablationValue(min, j);
                    Arrays.fill(data, j * per + ch * plane, j * per + (ch + 1) * plane, value);
                    lead.copyTo(leading, j * tokens * k);
                    for (int t = 0; t < tokens; t++) {
                        leading[(j * tokens + t) * k + ch] = value;
                    }
                }
                FloatTensor ablated = FloatTensor.wrapOwned(s.withDim(0, b), data);
                FloatTensor head = tokens == 0 ? context.runHead(layer, ablated, i)
                        : context.runHead(layer, ablated, i, FloatTensor.wrapOwned(Shape.of(b, tokens, k), leading));
                for (int j = 0; j < b; j++) {
                    double yk = context.targets().get(i).score(head.slice(j));
                    w[start + j] = (float) (y[i] != 0 ? (y[i] - yk) / y[i] : y[i] - yk);
                }
                done += b;
                context.progress().progress(task, done, total);
            }
            if (y[i] == 0) {
                context.diagnose("image " + i + ": the target score is 0, so Ablation-CAM's relative drops (y - y_k) / y "
                        + "are undefined; the weights are the plain drops y - y_k");
            }
            out.add(FloatTensor.wrapOwned(Shape.of(k), w));
        }
        return out;
    }

    /** The value written into the ablated channel of the j-th copy in a batch, given the image's layer minimum. */
    private float ablationValue(float min, int j) {
        if (!pytorchGradCamAblation || min == 0) {
            return ABLATE_TO_ZERO;
        }
        // pytorch-grad-cam recomputes the minimum over the batch after each copy is ablated, in float32.
        float value = min;
        for (int i = 0; i <= j; i++) {
            value = value - 1e7f;
        }
        return value;
    }

    @Override
    public String settings() {
        return "maxBatch=" + maxBatch + (pytorchGradCamAblation ? ", ablation=pytorch-grad-cam" : ", ablation=zero");
    }
}
