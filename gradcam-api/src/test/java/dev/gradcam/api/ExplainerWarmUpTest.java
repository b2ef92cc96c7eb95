package dev.gradcam.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.spi.ValueInfo;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.Shape;
import dev.gradcam.api.testing.CountingModel;
import dev.gradcam.api.testing.ForwardingModel;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The backend-independent side of {@link Explainer#warmUp}: which passes it runs, and its errors. */
class ExplainerWarmUpTest {

    @Test
    void runsTheExplainersPassOncePerBatchSize() {
        try (InMemoryCnn cnn = InMemoryCnn.random(2, 3, 4, 5, 6, 6)) {
            CountingModel model = new CountingModel(cnn);
            Explainer explainer = Explainer.gradCam(model).layer(InMemoryCnn.RELU).build();
            assertTrue(explainer.warmUp(1, 4).toNanos() > 0);
            assertEquals(List.of(1, 4), model.runBatches());
            explainer.warmUp(Size.square(6), Targets.classLogit(2), 2);
            assertEquals(List.of(1, 4, 2), model.runBatches());
        }
    }

    @Test
    void rejectsMissingBatchSizesOpenSizesAndSizesThatDoNotFit() {
        try (InMemoryCnn cnn = InMemoryCnn.random(2, 3, 4, 5, 6, 6)) {
            Explainer explainer = Explainer.gradCam(cnn).layer(InMemoryCnn.RELU).build();
            assertThrows(InvalidArgumentException.class, explainer::warmUp);
            assertThrows(InvalidArgumentException.class, () -> explainer.warmUp(2, 0));
            InvalidInputException wrong = assertThrows(InvalidInputException.class,
                    () -> explainer.warmUp(Size.of(8, 6), Targets.topClass(), 1));
            assertTrue(wrong.getMessage().contains("do not fit"), wrong.getMessage());

            ForwardingModel open = new ForwardingModel(cnn) {
                @Override
                public List<ValueInfo> inputs() {
                    return List.of(new ValueInfo("input", Shape.of(-1, 3, -1, -1), "float32"));
                }
            };
            Explainer openSized = Explainer.gradCam(open).layer(InMemoryCnn.RELU).build();
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> openSized.warmUp(1));
            assertTrue(e.getMessage().contains("with warmUp(Size.of(width, height)"), e.getMessage());
            openSized.warmUp(Size.square(6), Targets.topClass(), 1);
        }
    }
}
