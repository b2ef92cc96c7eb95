package dev.gradcam.metrics;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;

/**
 * Scores of the image multiplied by its map, pytorch-grad-cam's {@code CamMultImageConfidenceChange},
 * {@code DropInConfidence} and {@code IncreaseInConfidence}: the (preprocessed) image is multiplied pixel-wise by
 * the map (in [0, 1], the same value for every channel) and scored with the image's target.
 *
 * <p>Drop and increase follow pytorch-grad-cam, not the Grad-CAM++ paper's percentages: drop is
 * {@code max(0, score(image) - score(image * map))} in score units, increase is 1 when the masked image scores
 * higher and 0 otherwise (average it over images for the paper's "increase in confidence"). The paper's Average
 * Drop divides by the clean score: {@code drop / score(image)} with probability targets. One batched run.
 */
public final class ConfidenceChange {

    private final Scoring scoring;

    private ConfidenceChange(Scoring scoring) {
        this.scoring = InvalidArgumentException.requireNonNull(scoring, "scoring");
    }

    public static ConfidenceChange of(Scoring scoring) {
        return new ConfidenceChange(scoring);
    }

    /** score(image * map) - score(image), per image. */
    public double[] change(FloatTensor images, FloatTensor maps, List<Target> targets) {
        Batches.checkImagesAndMaps(images, maps);
        Scoring.CleanScores clean = scoring.clean(images, targets);
        int n = images.shape().intDim(0);
        double[] s = scoring.scores(n, i -> multiply(images.slice(i), maps.slice(i)), clean::target,
                "image x map");
        for (int i = 0; i < n; i++) {
            s[i] -= clean.score(i);
        }
        return s;
    }

    /** max(0, -change), per image. */
    public double[] drop(FloatTensor images, FloatTensor maps, List<Target> targets) {
        double[] c = change(images, maps, targets);
        for (int i = 0; i < c.length; i++) {
            c[i] = Math.max(0, -c[i]);
        }
        return c;
    }

    /** 1 if change > 0 else 0, per image. */
    public double[] increase(FloatTensor images, FloatTensor maps, List<Target> targets) {
        double[] c = change(images, maps, targets);
        for (int i = 0; i < c.length; i++) {
            c[i] = c[i] > 0 ? 1 : 0;
        }
        return c;
    }

    /** {@code image} ([C, H, W]) times {@code map} ([H, W]) on every channel. */
    public static FloatTensor multiply(FloatTensor image, FloatTensor map) {
        float[] px = image.toArray();
        float[] m = map.toArray();
        for (int i = 0; i < px.length; i++) {
            px[i] *= m[i % m.length];
        }
        return FloatTensor.wrapOwned(image.shape(), px);
    }
}
