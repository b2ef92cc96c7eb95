package dev.gradcam.onnx.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.Explainer;
import dev.gradcam.api.target.Targets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link Explainer#warmUp}: what it compiles, later requests of those batch sizes and targets do not compile again. */
class WarmUpTest {

    @Test
    void aWarmedUpExplainerCompilesNothingForThoseBatchSizes() {
        try (OnnxModel model = FixtureTest.resnetBasic()) {
            Explainer explainer = Explainer.gradCam(model).layer("auto").build();
            Duration took = explainer.warmUp(1, 3);
            int warmed = model.sessionsCreated();
            assertEquals(1, warmed, "one batch-symbolic variant serves both batch sizes");
            assertTrue(took.toNanos() > 0);

            explainer.explain(FixtureTest.resnetBasicInput(3, 1));
            explainer.explain(FixtureTest.resnetBasicInput(1, 2));
            assertEquals(warmed, model.sessionsCreated(), "requests of warmed batch sizes must not compile");
            explainer.warmUp(1, 3);
            assertEquals(warmed, model.sessionsCreated(), "a second warm-up compiles nothing");

            explainer.explain(FixtureTest.resnetBasicInput(2, 3));
            assertEquals(warmed, model.sessionsCreated(), "nor does a batch size not warmed");
        }
    }

    @Test
    void withOneVariantPerBatchSizeABatchSizeNotWarmedCompilesItsOwn() {
        try (OnnxModel model = OnnxModel.load(FixtureTest.fixtures().resolve("resnet_basic.onnx"),
                Map.of("executionProvider", "cpu", "batchSymbolic", "false"))) {
            Explainer explainer = Explainer.gradCam(model).layer("auto").build();
            explainer.warmUp(1, 3);
            int warmed = model.sessionsCreated();
            assertTrue(warmed >= 2, "one variant per batch size at least, got " + warmed);
            explainer.explain(FixtureTest.resnetBasicInput(3, 1));
            assertEquals(warmed, model.sessionsCreated(), "requests of warmed batch sizes must not compile");
            explainer.explain(FixtureTest.resnetBasicInput(2, 3));
            assertEquals(warmed + 1, model.sessionsCreated(), "a batch size not warmed compiles its variant");
        }
    }

    @Test
    void targetsThatSeedOtherwiseAreWarmedOnRequest() {
        try (OnnxModel model = FixtureTest.resnetBasic()) {
            Explainer explainer = Explainer.gradCam(model).layer("auto").build();
            explainer.warmUp(null, Targets.classLogit(0), 2);
            int warmed = model.sessionsCreated();
            explainer.explain(FixtureTest.resnetBasicInput(2, 4), Targets.classLogit(5));
            assertEquals(warmed, model.sessionsCreated(), "every class logit shares the warmed variant");
        }
    }
}
