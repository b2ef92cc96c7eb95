package dev.gradcam.api.method;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.PassRequest;
import java.util.Set;

/**
 * A method built on a base method (Finer-CAM, Refine-CAM): the pass is the base method's, so what it needs from the
 * backend is forwarded whole, including the model-aware {@link #configure(PassRequest.Builder, DifferentiableModel)}
 * that methods choosing their own taps (attention rollout) override.
 */
abstract class WrappedCamMethod implements CamMethod {

    final CamMethod base;

    WrappedCamMethod(CamMethod base) {
        this.base = InvalidArgumentException.requireNonNull(base, "base");
    }

    /** The method this one runs. */
    public CamMethod base() {
        return base;
    }

    @Override
    public Set<Capability> requiredCapabilities() {
        return base.requiredCapabilities();
    }

    @Override
    public boolean needsGradients() {
        return base.needsGradients();
    }

    @Override
    public boolean usesLayers() {
        return base.usesLayers();
    }

    @Override
    public void configure(PassRequest.Builder request) {
        base.configure(request);
    }

    @Override
    public void configure(PassRequest.Builder request, DifferentiableModel model) {
        base.configure(request, model);
    }
}
