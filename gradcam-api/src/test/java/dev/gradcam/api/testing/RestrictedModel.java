package dev.gradcam.api.testing;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A model that hides some capabilities and gradient modes of another, to test that methods fail clearly on backends
 * that lack what they need. Refuses passes that use what it hides, as a real backend would.
 */
public final class RestrictedModel extends ForwardingModel {

    private final Set<Capability> capabilities;
    private final Set<GradientMode> modes;

    private RestrictedModel(DifferentiableModel inner, Set<Capability> capabilities, Set<GradientMode> modes) {
        super(inner);
        this.capabilities = capabilities;
        this.modes = modes;
    }

    /** {@code inner} without the given capabilities. */
    public static RestrictedModel without(DifferentiableModel inner, Capability... hidden) {
        Set<Capability> caps = EnumSet.noneOf(Capability.class);
        caps.addAll(inner.capabilities());
        caps.removeAll(List.of(hidden));
        return new RestrictedModel(inner, Set.copyOf(caps), inner.gradientModes());
    }

    /** {@code inner} with only the standard, guided and deconvnet modes (no LRP rules). */
    public static RestrictedModel withoutLrp(DifferentiableModel inner) {
        return new RestrictedModel(inner, inner.capabilities(), inner.gradientModes().stream()
                .filter(m -> !m.isLrp()).collect(Collectors.toUnmodifiableSet()));
    }

    @Override
    public String backendName() {
        return "restricted";
    }

    @Override
    public Set<Capability> capabilities() {
        return capabilities;
    }

    @Override
    public Set<GradientMode> gradientModes() {
        return modes;
    }

    @Override
    public PassResult run(PassRequest request) {
        if (request.inputGradient() && !capabilities.contains(Capability.INPUT_GRADIENT)) {
            throw new UnsupportedCapabilityException(Capability.INPUT_GRADIENT, backendName(), null);
        }
        if (!supports(request.mode())) {
            throw new UnsupportedCapabilityException("gradient mode " + request.mode(), backendName(), null);
        }
        return inner.run(request);
    }
}
