package dev.gradcam.metrics;

import dev.gradcam.api.target.Target;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;

/**
 * Recomputes explanations for new inputs, as coherency, max-sensitivity and sanity checks need: images [N, C, H, W]
 * and one target per image in, maps out ([N, H, W] for class-activation maps, the input's shape for pixel
 * attributions). Wrap an explainer with {@code (x, t) -> explainer.explain(x, t).heatmaps()} or an attribution
 * method with {@code (x, t) -> method.attribute(x, t).attributions()}.
 */
@FunctionalInterface
public interface MapFunction {

    FloatTensor maps(FloatTensor images, List<Target> targets);
}
