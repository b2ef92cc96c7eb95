package dev.gradcam.api;

import dev.gradcam.api.cam.ChannelMask;
import dev.gradcam.api.method.ConceptFactorization;
import dev.gradcam.api.method.LayerMaps;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;
import java.util.Optional;

/**
 * The result of explaining a batch: display heatmaps, raw signed maps, weights, channel masks, target scores,
 * diagnostics, provenance and timings. Immutable and thread-safe.
 *
 * <p>With several layers, {@link #heatmaps()} is the fused map and {@link #layerMaps()} holds every layer's raw maps,
 * weights and masks; {@link #rawMaps()}, {@link #weights(int)}, {@link #mask(int)} and {@link #layer()} are the first
 * layer's. With aug-smoothing, heatmaps and raw maps are the averages mapped back onto the original images, and
 * weights and masks are those of the unaugmented images (or of the first augmentation when the original is not one
 * of them).
 */
public final class Explanation extends BatchResult {

    private final FloatTensor heatmaps;
    private final List<String> diagnostics;
    private final Provenance provenance;
    private final Timings timings;
    private final List<LayerMaps> layerMaps;

    /**
     * @param heatmaps    post-processed maps [N, H, W] (or [N, h, w] when not upsampled)
     * @param rawMaps     signed maps at layer resolution [N, h, w], before activation and normalisation
     * @param weights     each image's weights, [K] or [K, h, w]
     * @param masks       each image's selected channels
     * @param scores      each image's target score
     * @param classes     each image's explained class, -1 where the target is not about a class
     * @param targets     each image's target description
     * @param diagnostics human-readable warnings (blank maps, negative weights, zero gradients)
     * @param layer       the layer explained
     * @param provenance  method, backend, versions
     * @param timings     time per stage
     */
    public Explanation(FloatTensor heatmaps, FloatTensor rawMaps, List<FloatTensor> weights, List<ChannelMask> masks,
                       double[] scores, int[] classes, List<String> targets, List<String> diagnostics,
                       LayerInfo layer, Provenance provenance, Timings timings) {
        this(heatmaps, List.of(new LayerMaps(layer, rawMaps, weights, masks)), scores, classes, targets, diagnostics,
                provenance, timings);
    }

    /**
     * An explanation over one or more layers.
     *
     * @param heatmaps    post-processed (for several layers: fused) maps [N, H, W]
     * @param layerMaps   each layer's raw maps, weights and masks, in the user's order (at least one)
     * @param scores      each image's target score
     * @param classes     each image's explained class, -1 where the target is not about a class
     * @param targets     each image's target description
     * @param diagnostics human-readable warnings
     * @param provenance  method, backend, versions
     * @param timings     time per stage
     * @throws InvalidArgumentException if {@code layerMaps} is empty
     */
    public Explanation(FloatTensor heatmaps, List<LayerMaps> layerMaps, double[] scores, int[] classes,
                       List<String> targets, List<String> diagnostics, Provenance provenance, Timings timings) {
        super(scores, classes, targets);
        if (InvalidArgumentException.requireNonNull(layerMaps, "layerMaps").isEmpty()) {
            throw new InvalidArgumentException("an explanation needs the maps of at least one layer");
        }
        this.layerMaps = List.copyOf(layerMaps);
        this.heatmaps = InvalidArgumentException.requireNonNull(heatmaps, "heatmaps");
        this.diagnostics = List.copyOf(InvalidArgumentException.requireNonNull(diagnostics, "diagnostics"));
        this.provenance = InvalidArgumentException.requireNonNull(provenance, "provenance");
        this.timings = InvalidArgumentException.requireNonNull(timings, "timings");
    }

    /** Post-processed maps [N, H, W]. */
    public FloatTensor heatmaps() {
        return heatmaps;
    }

    /** Image {@code i}'s heatmap [H, W] (a view). */
    public FloatTensor heatmap(int i) {
        return heatmaps.slice(i);
    }

    /** Signed maps at layer resolution [N, h, w]. */
    public FloatTensor rawMaps() {
        return layerMaps.get(0).rawMaps();
    }

    /** Image {@code i}'s weights, [K] or [K, h, w]. */
    public FloatTensor weights(int i) {
        return layerMaps.get(0).weights(i);
    }

    /** Image {@code i}'s selected channels. */
    public ChannelMask mask(int i) {
        return layerMaps.get(0).mask(i);
    }

    /** Warnings worth showing a user, e.g. why a map is blank; empty when all is well. */
    public List<String> diagnostics() {
        return diagnostics;
    }

    public LayerInfo layer() {
        return layerMaps.get(0).layer();
    }

    public Provenance provenance() {
        return provenance;
    }

    public Timings timings() {
        return timings;
    }

    /** Every layer's raw maps, weights and masks, in the order the layers were given (one entry for one layer). */
    public List<LayerMaps> layerMaps() {
        return layerMaps;
    }

    /** The concepts found by Deep Feature Factorization at the first layer; empty for other methods. */
    public Optional<ConceptFactorization> concepts() {
        return layerMaps.get(0).concepts();
    }

    /** Like {@code Explanation[grad-cam at layer4, heatmaps [2, 224, 224]; backend 61.2 ms, ..., total 65.9 ms]}. */
    @Override
    public String toString() {
        return "Explanation[" + provenance.method() + " at " + provenance.layer() + ", heatmaps " + heatmaps.shape()
                + "; " + timings + "]";
    }
}
