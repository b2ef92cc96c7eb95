package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * FEM, the Feature Explanation Method (Fuad et al. 2020; pytorch-grad-cam's {@code FEM}): gradient-free and
 * class-agnostic. A channel's weight is the share of its positions whose activation exceeds the channel's mean plus
 * k standard deviations (population std, k = 2 by default: the "k-sigma rule"), so channels with a few strong, focused
 * responses dominate; the map is {@code sum_k w_k A_k}. Cost: one forward pass and O(K h w) per image. Immutable.
 */
public final class Fem extends ChannelWeightingMethod {

    /** pytorch-grad-cam's and the paper's k. */
    public static final double DEFAULT_K = 2;

    private final double k;

    Fem(double k) {
        super("fem");
        if (!Double.isFinite(k)) {
            throw new InvalidArgumentException("k must be finite, got " + k);
        }
        this.k = k;
    }

    /** The same method with threshold {@code mean + k * std}. */
    public Fem withK(double k) {
        return new Fem(k);
    }

    public double k() {
        return k;
    }

    @Override
    public Set<Capability> requiredCapabilities() {
        return Set.of();
    }

    @Override
    public boolean needsGradients() {
        return false;
    }

    @Override
    protected List<FloatTensor> weights(CamContext context, LayerInfo layer, FloatTensor activations,
                                        FloatTensor gradients) {
        int n = activations.shape().intDim(0);
        int channels = activations.shape().intDim(1);
        int size = activations.size() / (n * channels);
        List<FloatTensor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            FloatTensor a = activations.slice(i);
            float[] w = new float[channels];
            for (int c = 0; c < channels; c++) {
                double mean = 0;
                for (int p = 0; p < size; p++) {
                    mean += a.getFlat(c * size + p);
                }
                mean /= size;
                double var = 0;
                for (int p = 0; p < size; p++) {
                    double d = a.getFlat(c * size + p) - mean;
                    var += d * d;
                }
                double threshold = mean + k * Math.sqrt(var / size);
                int above = 0;
                for (int p = 0; p < size; p++) {
                    above += a.getFlat(c * size + p) > threshold ? 1 : 0;
                }
                w[c] = (float) above / size;
            }
            out.add(FloatTensor.wrapOwned(Shape.of(channels), w));
        }
        return out;
    }

    @Override
    public String settings() {
        return "k=" + k;
    }
}
