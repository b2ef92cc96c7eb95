package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.Optional;

/**
 * One explanation method's output for a batch, as {@link Evaluator} scores it.
 *
 * @param name          the method's name in results
 * @param maps          maps [N, H, W] in [0, 1] at input resolution
 * @param method        recomputes those maps for new inputs (coherency, ARCC); null when unknown (maps made
 *                      elsewhere)
 * @param attributions  pixel attributions with the input's shape (infidelity, max-sensitivity); null for
 *                      class-activation maps
 * @param attribution   recomputes the attributions (max-sensitivity); null when unknown
 */
public record Candidate(String name, FloatTensor maps, MapFunction method, FloatTensor attributions,
                        MapFunction attribution) {

    public Candidate {
        InvalidArgumentException.requireNonNull(name, "name");
        InvalidArgumentException.requireNonNull(maps, "maps");
    }

    /** Maps computed elsewhere: only metrics that need no recomputation apply. */
    public static Candidate ofMaps(String name, FloatTensor maps) {
        return new Candidate(name, maps, null, null, null);
    }

    public Optional<MapFunction> recompute() {
        return Optional.ofNullable(method);
    }
}
