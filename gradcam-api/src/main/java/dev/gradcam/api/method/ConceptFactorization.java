package dev.gradcam.api.method;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.Optional;

/**
 * The concepts Deep Feature Factorization found at one layer: each concept is a direction in channel space
 * (its embedding) with a heatmap per image, and, when the backend can run the head, a score per model output.
 * Immutable.
 *
 * @param embeddings   concept embeddings [r, K]: the NMF factor W (plus the per-channel offset removed before the
 *                     factorisation), one row per concept
 * @param maps         concept heatmaps [N, r, h, w]: the NMF factor H, non-negative
 * @param outputs      the model's output for each concept, [r, ...] (the head run on the concept embedding spread
 *                     over every position); null when the backend has no head execution
 * @param targetScores each image's target applied to each concept's output, [N, r]; null without head execution
 */
public record ConceptFactorization(FloatTensor embeddings, FloatTensor maps, FloatTensor outputs,
                                   FloatTensor targetScores) {

    public ConceptFactorization {
        InvalidArgumentException.requireNonNull(embeddings, "embeddings");
        InvalidArgumentException.requireNonNull(maps, "maps");
    }

    /** Number of concepts r. */
    public int concepts() {
        return embeddings.shape().intDim(0);
    }

    /** The head's output per concept, [r, ...], if the backend could run the head. */
    public Optional<FloatTensor> conceptOutputs() {
        return Optional.ofNullable(outputs);
    }

    /** Each image's target score per concept [N, r], if the backend could run the head. */
    public Optional<FloatTensor> conceptTargetScores() {
        return Optional.ofNullable(targetScores);
    }
}
