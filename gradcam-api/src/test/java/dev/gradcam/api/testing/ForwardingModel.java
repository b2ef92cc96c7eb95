package dev.gradcam.api.testing;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.ValueInfo;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A model that passes every abstract call of {@link DifferentiableModel} to another, so test wrappers override only
 * what they record or restrict. The interface's default methods ({@code runHead}, {@code supports}, ...) are left
 * alone on purpose: a wrapper that narrows capabilities must get the interface's refusals, not the wrapped model's
 * answers. Closing the wrapper closes the wrapped model.
 */
public abstract class ForwardingModel implements DifferentiableModel {

    /** The wrapped model. */
    protected final DifferentiableModel inner;

    protected ForwardingModel(DifferentiableModel inner) {
        this.inner = Objects.requireNonNull(inner, "inner");
    }

    @Override
    public String backendName() {
        return inner.backendName();
    }

    @Override
    public String executionProvider() {
        return inner.executionProvider();
    }

    @Override
    public List<ValueInfo> inputs() {
        return inner.inputs();
    }

    @Override
    public List<ValueInfo> outputs() {
        return inner.outputs();
    }

    @Override
    public List<LayerInfo> layers() {
        return inner.layers();
    }

    @Override
    public Set<Capability> capabilities() {
        return inner.capabilities();
    }

    @Override
    public Set<GradientMode> gradientModes() {
        return inner.gradientModes();
    }

    @Override
    public PassResult run(PassRequest request) {
        return inner.run(request);
    }

    @Override
    public boolean isClosed() {
        return inner.isClosed();
    }

    @Override
    public void close() {
        inner.close();
    }
}
