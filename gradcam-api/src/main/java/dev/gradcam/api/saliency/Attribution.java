package dev.gradcam.api.saliency;

import dev.gradcam.api.BatchResult;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.Provenance;
import dev.gradcam.api.Timings;
import dev.gradcam.api.tensor.FloatTensor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The result of an {@link AttributionMethod} on a batch: signed attributions in the input's shape, the explained
 * scores, where the method has one a completeness check per image, and (for LRP) relevances at layers. Turn
 * attributions into pictures with {@link SaliencyMaps}. Immutable and thread-safe.
 */
public final class Attribution extends BatchResult {

    private final String method;
    private final FloatTensor attributions;
    private final List<Completeness> completeness;
    private final Map<String, FloatTensor> layers;
    private final Provenance provenance;
    private final Duration elapsed;

    /**
     * @param method       the method's kebab-case name
     * @param attributions signed attributions {@code [N, ...]}, the input's shape
     * @param scores       each image's target score
     * @param classes      each image's explained class, -1 where the target is not about a class
     * @param targets      each image's target description
     * @param completeness one check per image, or an empty list when the method has none
     * @param layers       layer tensor name to attributions there ({@code [N, ...]}), e.g. LRP relevances; may be empty
     * @param provenance   method, backend, versions
     * @param elapsed      wall-clock time
     * @throws InvalidInputException if the per-image lists disagree in length with the batch
     */
    public Attribution(String method, FloatTensor attributions, double[] scores, int[] classes, List<String> targets,
                       List<Completeness> completeness, Map<String, FloatTensor> layers, Provenance provenance,
                       Duration elapsed) {
        super(scores, classes, targets);
        this.method = InvalidArgumentException.requireNonNull(method, "method");
        this.attributions = InvalidArgumentException.requireNonNull(attributions, "attributions");
        this.completeness = List.copyOf(InvalidArgumentException.requireNonNull(completeness, "completeness"));
        this.layers = Collections.unmodifiableMap(new LinkedHashMap<>(InvalidArgumentException.requireNonNull(layers,
                "layers")));
        this.provenance = InvalidArgumentException.requireNonNull(provenance, "provenance");
        this.elapsed = InvalidArgumentException.requireNonNull(elapsed, "elapsed");
        int n = attributions.shape().intDim(0);
        if (scores.length != n || classes.length != n || targets.size() != n
                || !(this.completeness.isEmpty() || this.completeness.size() == n)) {
            throw new InvalidInputException("an attribution of " + n + " images needs " + n + " scores, classes and "
                    + "targets, got " + scores.length + ", " + classes.length + ", " + targets.size());
        }
    }

    /**
     * The same images, scores and targets with other attributions, e.g. gradients times input.
     *
     * @throws InvalidInputException if the new attributions have another batch size
     */
    public Attribution derive(String newMethod, FloatTensor newAttributions, List<Completeness> newCompleteness) {
        Provenance p = new Provenance(newMethod, provenance.layer(), provenance.backend(),
                provenance.executionProvider(), provenance.gradientMode(), provenance.libraryVersion(),
                provenance.details());
        return new Attribution(newMethod, newAttributions, scores(), targetClasses(), targets(), newCompleteness,
                layers, p, elapsed);
    }

    /** The same result with the time it took set to {@code total} (wrappers add their own work). */
    public Attribution withElapsed(Duration total) {
        return new Attribution(method, attributions, scores(), targetClasses(), targets(), completeness, layers,
                provenance, total);
    }

    /** The method's kebab-case name. */
    public String method() {
        return method;
    }

    /** Signed attributions of the batch, the input's shape {@code [N, ...]}. */
    public FloatTensor attributions() {
        return attributions;
    }

    /** Image {@code i}'s attributions, e.g. {@code [C, H, W]} (a view). */
    public FloatTensor attribution(int i) {
        return attributions.slice(i);
    }

    /** Image {@code i}'s completeness check, where the method has one (Integrated Gradients, LRP). */
    public Optional<Completeness> completeness(int i) {
        return completeness.isEmpty() ? Optional.empty() : Optional.of(completeness.get(i));
    }

    /** The largest relative completeness error over the batch, or NaN when the method reports none. */
    public double maxCompletenessError() {
        double worst = completeness.isEmpty() ? Double.NaN : 0;
        for (Completeness c : completeness) {
            worst = Math.max(worst, c.relativeError());
        }
        return worst;
    }

    /** Attributions at layers, by tensor name (LRP's relevances at its taps); empty for most methods. */
    public Map<String, FloatTensor> layerAttributions() {
        return layers;
    }

    /**
     * Attributions at one layer.
     *
     * @throws InvalidInputException naming the layers present, if there are none for {@code layer}
     */
    public FloatTensor layerAttribution(String layer) {
        FloatTensor t = layers.get(layer);
        if (t == null) {
            throw new InvalidInputException("no attributions at layer '" + layer + "'; this result has "
                    + new ArrayList<>(layers.keySet()) + " (ask for layers with the method's taps)");
        }
        return t;
    }

    /** Method, backend, gradient mode and versions. */
    public Provenance provenance() {
        return provenance;
    }

    /** Wall-clock time the method took. */
    public Duration elapsed() {
        return elapsed;
    }

    /** Like {@code Attribution[integrated-gradients(...), attributions [2, 3, 224, 224], 645.0 ms]}. */
    @Override
    public String toString() {
        return "Attribution[" + method() + ", attributions " + attributions().shape() + ", "
                + Timings.millis(elapsed) + "]";
    }
}
