package dev.gradcam.api.method;

import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.tensor.FloatTensor;
import java.util.List;

/**
 * Combines the maps of several layers into one map per image (multi-layer CAM). The explainer hands over each
 * layer's raw maps [N, h_l, w_l] (any resolutions) and normalises the fused result with the user's normalisation.
 * Implementations must be stateless and thread-safe.
 *
 * <p>The built-in ones come from {@link LayerFusions}.
 */
@FunctionalInterface
public interface LayerFusion {

    /**
     * Fuses the layers' raw maps into [N, height, width].
     *
     * @param rawMaps    one [N, h_l, w_l] tensor per layer, in the user's order
     * @param activation what is kept of each signed map (ReLU by default)
     */
    FloatTensor fuse(List<FloatTensor> rawMaps, MapActivation activation, int height, int width);
}
