package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;
import java.util.Optional;

/**
 * What a method computed at one layer for a batch: the raw signed maps, each image's weights and channel mask, and
 * (Deep Feature Factorization only) the concepts. Immutable.
 */
public final class LayerMaps {

    private final LayerInfo layer;
    private final FloatTensor rawMaps;
    private final List<FloatTensor> weights;
    private final List<ChannelMask> masks;
    private final ConceptFactorization concepts;

    /**
     * @param layer    the layer (for FullGrad, a synthetic entry describing the input and bias layers)
     * @param rawMaps  signed maps [N, h, w], before activation and normalisation
     * @param weights  each image's weights: [K] per channel or [K, h, w] per position (the method's Javadoc says
     *                 what they mean where they are not channel weights)
     * @param masks    each image's selected channels
     * @param concepts the concepts, or null
     * @throws InvalidArgumentException if the lists do not have one entry per image
     */
    public LayerMaps(LayerInfo layer, FloatTensor rawMaps, List<FloatTensor> weights, List<ChannelMask> masks,
                     ConceptFactorization concepts) {
        this.layer = InvalidArgumentException.requireNonNull(layer, "layer");
        this.rawMaps = InvalidArgumentException.requireNonNull(rawMaps, "rawMaps");
        this.weights = List.copyOf(weights);
        this.masks = List.copyOf(masks);
        this.concepts = concepts;
        long n = rawMaps.shape().dim(0);
        if ((rawMaps.shape().rank() != 3 && rawMaps.shape().rank() != 4) || this.weights.size() != n
                || this.masks.size() != n) {
            throw new InvalidArgumentException("need raw maps [N, h, w] or [N, d, h, w] and N weights and masks, got "
                    + rawMaps.shape() + ", " + this.weights.size() + ", " + this.masks.size());
        }
    }

    /** Without concepts. */
    public LayerMaps(LayerInfo layer, FloatTensor rawMaps, List<FloatTensor> weights, List<ChannelMask> masks) {
        this(layer, rawMaps, weights, masks, null);
    }

    public LayerInfo layer() {
        return layer;
    }

    /** Signed maps at this layer's resolution [N, h, w]. */
    public FloatTensor rawMaps() {
        return rawMaps;
    }

    /** Image {@code i}'s weights. */
    public FloatTensor weights(int i) {
        return weights.get(i);
    }

    /** All images' weights. */
    public List<FloatTensor> weights() {
        return weights;
    }

    /** Image {@code i}'s selected channels. */
    public ChannelMask mask(int i) {
        return masks.get(i);
    }

    /** All images' masks. */
    public List<ChannelMask> masks() {
        return masks;
    }

    /** The concepts of Deep Feature Factorization; empty for every other method. */
    public Optional<ConceptFactorization> concepts() {
        return Optional.ofNullable(concepts);
    }
}
