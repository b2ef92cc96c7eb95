package dev.gradcam.api.testing;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.Explainer;
import dev.gradcam.api.method.CamMethod;
import dev.gradcam.api.post.MapActivation;
import dev.gradcam.api.post.Normalizations;

/** Explainer settings the method tests share. */
public final class Explainers {

    private Explainers() {
    }

    /**
     * An explainer of {@code method} at {@code layer} whose heatmaps are the raw signed maps at layer resolution
     * (no ReLU, no normalisation, no upsampling): what references computed by formula are compared with.
     */
    public static Explainer.Builder signedRaw(DifferentiableModel model, CamMethod method, String layer) {
        return Explainer.of(model, method).layer(layer).activation(MapActivation.SIGNED)
                .normalization(Normalizations.none()).upsample(false);
    }
}
