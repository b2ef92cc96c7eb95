package dev.gradcam.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LayerInfo;
import dev.gradcam.api.spi.PassRequest;
import dev.gradcam.api.spi.PassResult;
import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The one-input view of a model with several: what it feeds, how it repeats fixed values, what it refuses. */
class FixedInputsModelTest {

    /** A model with inputs "rgb" and "depth" that records the last request; output = the attributed input. */
    private static final class TwoInputs implements DifferentiableModel {
        final AtomicReference<PassRequest> last = new AtomicReference<>();
        boolean closed;

        @Override
        public String backendName() {
            return "recording";
        }

        @Override
        public String executionProvider() {
            return "CPU";
        }

        @Override
        public List<ValueInfo> inputs() {
            return List.of(new ValueInfo("rgb", Shape.of(-1, 3, 2, 2), "float32"),
                    new ValueInfo("depth", Shape.of(-1, 1, 2, 2), "float32"));
        }

        @Override
        public List<ValueInfo> outputs() {
            return List.of(new ValueInfo("y", Shape.of(-1, 3, 2, 2), "float32"));
        }

        @Override
        public List<LayerInfo> layers() {
            return List.of();
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of();
        }

        @Override
        public Set<GradientMode> gradientModes() {
            return Set.of(GradientMode.STANDARD);
        }

        @Override
        public PassResult run(PassRequest request) {
            last.set(request);
            return new PassResult(request.input(), Map.of(), Map.of(), null, null);
        }

        @Override
        public boolean isClosed() {
            return closed;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void feedsTheAttributedInputAndRepeatsAFixedValueOfBatchOne() {
        TwoInputs model = new TwoInputs();
        FloatTensor depth = FloatTensor.full(Shape.of(1, 1, 2, 2), 7f);
        DifferentiableModel view = Models.withFixedInputs(model, "rgb", Map.of("depth", depth));
        assertEquals(List.of("rgb"), view.inputs().stream().map(ValueInfo::name).toList());
        view.forward(FloatTensor.zeros(Shape.of(3, 3, 2, 2)));
        PassRequest r = model.last.get();
        assertEquals("rgb", r.inputName().orElseThrow());
        assertEquals(Shape.of(3, 1, 2, 2), r.fixedInputs().get("depth").shape(), "repeated for 3 images");
        assertEquals(7f, r.fixedInputs().get("depth").getFlat(11));
        assertEquals("rgb", view.provenance().get("attributedInput"));
    }

    @Test
    void aFixedBatchMustBeOneOrTheImages() {
        TwoInputs model = new TwoInputs();
        DifferentiableModel view = Models.withFixedInputs(model, "rgb",
                Map.of("depth", FloatTensor.zeros(Shape.of(2, 1, 2, 2))));
        view.forward(FloatTensor.zeros(Shape.of(2, 3, 2, 2)));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> view.forward(FloatTensor.zeros(Shape.of(3, 3, 2, 2))));
        assertTrue(e.getMessage().contains("batch of 2"), e.getMessage());
    }

    @Test
    void refusesUnknownMissingOrDoublyUsedInputs() {
        TwoInputs model = new TwoInputs();
        FloatTensor d = FloatTensor.zeros(Shape.of(1, 1, 2, 2));
        assertTrue(assertThrows(InvalidInputException.class, () -> Models.withFixedInputs(model, "ir", Map.of()))
                .getMessage().contains("[rgb, depth]"));
        assertTrue(assertThrows(InvalidInputException.class, () -> Models.withFixedInputs(model, "rgb", Map.of()))
                .getMessage().contains("missing: [depth]"));
        assertTrue(assertThrows(InvalidInputException.class, () -> Models.withFixedInputs(model, "rgb",
                Map.of("depth", d, "ir", d))).getMessage().contains("not inputs of the model: [ir]"));
        assertThrows(InvalidInputException.class, () -> Models.withFixedInputs(model, "rgb", Map.of("rgb", d)));
    }

    @Test
    void closingTheViewLeavesTheModelOpen() {
        TwoInputs model = new TwoInputs();
        DifferentiableModel view = Models.withFixedInputs(model, "depth",
                Map.of("rgb", FloatTensor.zeros(Shape.of(1, 3, 2, 2))));
        view.close();
        view.close();
        assertTrue(view.isClosed());
        assertFalse(model.isClosed());
        assertThrows(ResourceClosedException.class, () -> view.forward(FloatTensor.zeros(Shape.of(1, 1, 2, 2))));
    }
}
