package dev.gradcam.api.method;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.layer.LayerLayout;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Attention rollout for vision transformers, read at the attention probabilities (the Softmax outputs of every
 * block, found automatically): the class token's row of the product of all layers' attention, at the patch grid.
 *
 * <ul>
 * <li>{@code attention-rollout} (Abnar and Zuidema 2020, "Quantifying Attention Flow in Transformers"): per layer the
 * heads are fused ({@link HeadFusion mean}, max or min), the {@code discardRatio} smallest entries of the fused
 * matrix are set to 0 (never the class token's attention to itself; jacobgil's vit-explain), {@code B = (A + I) / 2}
 * with rows renormalised, and {@code R = B_L ... B_1}. Gradient-free.
 * <li>{@code grad-attention-rollout} (Chefer, Gur and Wolf 2021, "Generic Attention-model Explainability for
 * Interpreting Bi-Modal and Encoder-Decoder Transformers", eq. 5-6): {@code R = I}, then per layer
 * {@code R += mean_h(relu(dy/dA * A)) R}, with y the target.
 * </ul>
 *
 * <p>The map is R's row of the first (class) token at the grid tokens, [N, h, w]; leading tokens and the grid come
 * from the layout of the model's token layers. Attention shaped [N, H, T, T], [N*H, T, T] (heads in the batch axis, as
 * torch's MultiheadAttention exports) or [N, T, T] is read; windowed attention (Swin) has no global token matrix and
 * is rejected. Weights are one per attention layer (all 1). Immutable.
 */
public final class AttentionRollout implements CamMethod {

    /** How attention heads are combined per layer. */
    public enum HeadFusion {
        MEAN, MAX, MIN
    }

    private final boolean gradients;
    private final HeadFusion fusion;
    private final double discardRatio;

    AttentionRollout(boolean gradients, HeadFusion fusion, double discardRatio) {
        if (!(discardRatio >= 0 && discardRatio < 1)) {
            throw new InvalidArgumentException("the discard ratio must be in [0, 1), got " + discardRatio);
        }
        this.gradients = gradients;
        this.fusion = fusion;
        this.discardRatio = discardRatio;
    }

    /** The same method fusing heads by {@code fusion} (attention rollout only). */
    public AttentionRollout withHeadFusion(HeadFusion fusion) {
        return new AttentionRollout(gradients, InvalidArgumentException.requireNonNull(fusion, "fusion"), discardRatio);
    }

    /**
     * The same method discarding this fraction of each layer's smallest fused attention entries (attention rollout
     * only; vit-explain's default for ViT is 0.9).
     *
     * @throws InvalidArgumentException outside [0, 1)
     */
    public AttentionRollout withDiscardRatio(double ratio) {
        return new AttentionRollout(gradients, fusion, ratio);
    }

    public HeadFusion headFusion() {
        return fusion;
    }

    public double discardRatio() {
        return discardRatio;
    }

    @Override
    public String name() {
        return gradients ? "grad-attention-rollout" : "attention-rollout";
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
    public boolean usesLayers() {
        return false;
    }

    @Override
    public void configure(PassRequest.Builder request, DifferentiableModel model) {
        InvalidArgumentException.requireNonNull(request, "request");
        InvalidArgumentException.requireNonNull(model, "model");
        request.taps(attentionLayers(model).stream().map(LayerInfo::name).toList());
    }

    /**
     * The attention-probability layers of a model, in order: Softmax outputs of rank 3 or 4 whose last two dims are
     * equal (tokens x tokens).
     *
     * @throws InvalidInputException if it has none
     */
    public static List<LayerInfo> attentionLayers(DifferentiableModel model) {
        InvalidArgumentException.requireNonNull(model, "model");
        List<LayerInfo> out = new ArrayList<>();
        for (LayerInfo l : model.layers()) {
            Shape s = l.shape();
            int r = s.rank();
            if (l.op().equals("Softmax") && (r == 3 || r == 4) && s.dim(r - 1) > 1 && s.dim(r - 1) == s.dim(r - 2)) {
                out.add(l);
            }
        }
        if (out.isEmpty()) {
            throw new InvalidInputException("attention rollout found no attention probabilities in this model (a "
                    + "Softmax over tokens x tokens, rank 3 or 4); it explains vision transformers such as ViT and "
                    + "DeiT");
        }
        return out;
    }

    @Override
    public List<LayerMaps> explain(CamContext context) {
        InvalidArgumentException.requireNonNull(context, "context");
        List<LayerInfo> layers = attentionLayers(context.model());
        int n = context.batchSize();
        LayerInfo last = layers.get(layers.size() - 1);
        int t = (int) last.shape().dim(last.shape().rank() - 1);
        LayerLayout grid = tokenGrid(context.model(), t);
        double[][][] rollout = new double[n][][];
        for (int i = 0; i < n; i++) {
            rollout[i] = identity(t);
        }
        for (LayerInfo l : layers) {
            FloatTensor a = context.pass().activation(l.name());
            FloatTensor g = gradients ? context.pass().gradient(l.name()) : null;
            int heads = heads(l, a, n, t);
            for (int i = 0; i < n; i++) {
                double[][] step = gradients ? gradientStep(a, g, i, heads, t) : attentionStep(a, i, heads, t);
                rollout[i] = gradients ? plus(rollout[i], multiply(step, rollout[i])) : multiply(step, rollout[i]);
            }
        }
        int k = grid.leadingTokens();
        int plane = grid.gridHeight() * grid.gridWidth();
        List<FloatTensor> maps = new ArrayList<>(n);
        List<FloatTensor> weights = new ArrayList<>(n);
        List<ChannelMask> masks = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] m = new float[plane];
            for (int p = 0; p < plane; p++) {
                m[p] = (float) rollout[i][0][k + p];
            }
            maps.add(FloatTensor.wrapOwned(Shape.of(grid.gridHeight(), grid.gridWidth()), m));
            float[] ones = new float[layers.size()];
            Arrays.fill(ones, 1f);
            weights.add(FloatTensor.wrapOwned(Shape.of(ones.length), ones));
            masks.add(ChannelMask.all(ones.length));
        }
        LayerInfo where = new LayerInfo(last.name(), layers.size() + " attention layers", last.op(),
                Shape.of(Shape.DYNAMIC, 1, grid.gridHeight(), grid.gridWidth()));
        return List.of(new LayerMaps(where, FloatTensor.stack(maps), weights, masks));
    }

    /** Leading tokens and grid of the model's token layers with {@code tokens} tokens. */
    private static LayerLayout tokenGrid(DifferentiableModel model, int tokens) {
        for (LayerInfo l : model.layers()) {
            if (l.shape().rank() == 3 && l.shape().dim(1) == tokens) {
                LayerLayout layout = model.layoutOf(l);
                if (layout != null && layout.kind() == LayerLayout.Kind.TOKENS) {
                    return layout.complete(l);
                }
            }
        }
        LayerInfo probe = new LayerInfo("tokens", "tokens", "Identity", Shape.of(Shape.DYNAMIC, tokens, 1));
        LayerLayout guess = LayerLayout.guess(probe, model.layers());
        if (guess == null) {
            throw new InvalidInputException("attention over " + tokens + " tokens: no token layer of the model and no "
                    + "square grid after up to 8 leading tokens tells where the patch grid is");
        }
        return guess.complete(probe);
    }

    private static int heads(LayerInfo l, FloatTensor a, int n, int t) {
        Shape s = a.shape();
        if (s.rank() == 4 && s.dim(0) == n) {
            return s.intDim(1);
        }
        if (s.rank() == 3 && s.dim(0) % n == 0) {
            return s.intDim(0) / n;
        }
        throw new InvalidInputException("attention layer " + l.describe() + " holds " + s + " for " + n + " images: "
                + "not one token matrix per image (windowed attention, as in Swin, has no global rollout); use a "
                + "class-activation method there");
    }

    /** Head {@code h} of image {@code i}'s attention: [N, H, T, T] and [N*H, T, T] are both image-major. */
    private static double at(FloatTensor a, int i, int heads, int h, int t, int row, int col) {
        return a.getFlat((((i * heads) + h) * t + row) * t + col);
    }

    private double[][] attentionStep(FloatTensor a, int i, int heads, int t) {
        double[][] f = new double[t][t];
        for (int r = 0; r < t; r++) {
            for (int c = 0; c < t; c++) {
                double v = at(a, i, heads, 0, t, r, c);
                for (int h = 1; h < heads; h++) {
                    double x = at(a, i, heads, h, t, r, c);
                    v = switch (fusion) {
                        case MEAN -> v + x;
                        case MAX -> Math.max(v, x);
                        case MIN -> Math.min(v, x);
                    };
                }
                f[r][c] = fusion == HeadFusion.MEAN ? v / heads : v;
            }
        }
        discard(f, t);
        for (int r = 0; r < t; r++) {
            double sum = 0;
            for (int c = 0; c < t; c++) {
                f[r][c] = (f[r][c] + (r == c ? 1 : 0)) / 2;
                sum += f[r][c];
            }
            for (int c = 0; c < t; c++) {
                f[r][c] /= sum;
            }
        }
        return f;
    }

    /** Zeroes the smallest {@code discardRatio} of the entries (ties by position), never entry [0, 0]. */
    private void discard(double[][] f, int t) {
        int count = (int) (t * t * discardRatio);
        if (count == 0) {
            return;
        }
        Integer[] order = new Integer[t * t];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(f[x / t][x % t], f[y / t][y % t]));
        for (int j = 0; j < count; j++) {
            if (order[j] != 0) {
                f[order[j] / t][order[j] % t] = 0;
            }
        }
    }

    private static double[][] gradientStep(FloatTensor a, FloatTensor g, int i, int heads, int t) {
        double[][] f = new double[t][t];
        for (int h = 0; h < heads; h++) {
            for (int r = 0; r < t; r++) {
                for (int c = 0; c < t; c++) {
                    int idx = (((i * heads) + h) * t + r) * t + c;
                    f[r][c] += Math.max(0, (double) g.getFlat(idx) * a.getFlat(idx)) / heads;
                }
            }
        }
        return f;
    }

    private static double[][] identity(int t) {
        double[][] m = new double[t][t];
        for (int i = 0; i < t; i++) {
            m[i][i] = 1;
        }
        return m;
    }

    private static double[][] multiply(double[][] x, double[][] y) {
        int t = x.length;
        double[][] out = new double[t][t];
        for (int r = 0; r < t; r++) {
            for (int k = 0; k < t; k++) {
                double v = x[r][k];
                if (v == 0) {
                    continue;
                }
                for (int c = 0; c < t; c++) {
                    out[r][c] += v * y[k][c];
                }
            }
        }
        return out;
    }

    private static double[][] plus(double[][] x, double[][] y) {
        for (int r = 0; r < x.length; r++) {
            for (int c = 0; c < x.length; c++) {
                x[r][c] += y[r][c];
            }
        }
        return x;
    }

    @Override
    public String settings() {
        return gradients ? "" : "headFusion=" + fusion.name().toLowerCase(Locale.ROOT) + ", discardRatio="
                + discardRatio;
    }
}
