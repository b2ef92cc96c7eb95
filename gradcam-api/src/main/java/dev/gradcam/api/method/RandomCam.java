package dev.gradcam.api.method;

import dev.gradcam.api.numeric.SplitMix64;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Random-CAM: channel weights drawn uniformly from [-1, 1), a sanity baseline (Adebayo et al. 2018, "Sanity checks
 * for saliency maps"; pytorch-grad-cam's {@code RandomCAM}). A method whose maps look like Random-CAM's tells you
 * little about the model.
 *
 * <p>Deterministic: the weights of layer l (in the explainer's order), image i, channel k are the
 * {@code (sum_{l' < l} N K_l' + i K_l + k)}-th draw of {@link SplitMix64}({@code seed}) mapped by {@code 2u - 1}, so a
 * script can reproduce them. One forward pass, no gradients. Immutable.
 */
public final class RandomCam extends ChannelWeightingMethod {

    /** The seed used by {@link CamMethods#randomCam()}. */
    public static final long DEFAULT_SEED = 0;

    private final long seed;

    RandomCam(long seed) {
        super("random-cam");
        this.seed = seed;
    }

    /** The seed. */
    public long seed() {
        return seed;
    }

    /** The same method with another seed. */
    public RandomCam withSeed(long seed) {
        return new RandomCam(seed);
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
        SplitMix64 rng = new SplitMix64(seed);
        // Skip the draws of earlier layers so that each layer's weights do not depend on the layers after it.
        for (LayerInfo l : context.layers()) {
            if (l.name().equals(layer.name())) {
                break;
            }
            Shape skipped = context.activations(l).shape();
            long skip = skipped.dim(0) * skipped.dim(1);
            for (long j = 0; j < skip; j++) {
                rng.nextLong();
            }
        }
        int n = activations.shape().intDim(0);
        int k = activations.shape().intDim(1);
        List<FloatTensor> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] w = new float[k];
            for (int c = 0; c < k; c++) {
                w[c] = (float) rng.nextDouble(-1, 1);
            }
            out.add(FloatTensor.wrapOwned(Shape.of(k), w));
        }
        return out;
    }

    @Override
    public String settings() {
        return "seed=" + seed;
    }
}
