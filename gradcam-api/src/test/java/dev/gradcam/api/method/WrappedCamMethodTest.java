package dev.gradcam.api.method;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.DifferentiableModel;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Finer-CAM and Refine-CAM run their base method's pass, whatever form of configure the base overrides. */
class WrappedCamMethodTest {

    /** A base that, like attention rollout, chooses its taps only in the model-aware configure. */
    private static final CamMethod TAPS_FROM_MODEL = new CamMethod() {
        @Override
        public String name() {
            return "taps-from-model";
        }

        @Override
        public Set<Capability> requiredCapabilities() {
            return Set.of(Capability.LAYER_GRADIENTS);
        }

        @Override
        public boolean needsGradients() {
            return false;
        }

        @Override
        public void configure(PassRequest.Builder request, DifferentiableModel model) {
            request.tap("chosen-by-the-base");
        }

        @Override
        public List<LayerMaps> explain(CamContext context) {
            throw new UnsupportedOperationException("not run here");
        }
    };

    @Test
    void theBasePassIsForwardedWhole() {
        for (CamMethod wrapped : List.of(CamMethods.finerCam().withBase(TAPS_FROM_MODEL),
                CamMethods.refineCam().withBase(TAPS_FROM_MODEL))) {
            PassRequest.Builder b = PassRequest.builder(FloatTensor.of(Shape.of(1, 1), 0f));
            wrapped.configure(b, null);
            assertEquals(List.of("chosen-by-the-base"), b.build().taps(), wrapped.name());
            assertEquals(Set.of(Capability.LAYER_GRADIENTS), wrapped.requiredCapabilities());
            assertTrue(!wrapped.needsGradients() && wrapped.usesLayers(), wrapped.name());
        }
    }
}
