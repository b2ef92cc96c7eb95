package dev.gradcam.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.method.CamMethods;
import dev.gradcam.api.method.ScoreCam;
import dev.gradcam.api.saliency.IntegratedGradients;
import dev.gradcam.api.saliency.SaliencyMethods;
import dev.gradcam.api.testing.InMemoryCnn;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The one method catalogue: one spelling rule for both families, the families apart, clear errors. */
class MethodsTest {

    @Test
    void oneSpellingRuleForBothFamiliesAndEveryEntryPoint() {
        assertEquals("grad-cam-plus-plus", Methods.canonical("Grad_CAM++"));
        assertEquals("hires-cam", Methods.canonical(" HiRes-CAM "));
        assertEquals("vanilla-gradient", Methods.canonical("Saliency"));
        assertEquals("integrated-gradients", Methods.canonical("Integrated_Gradients"));
        assertEquals("lrp-z-plus", Methods.canonical("LRP z plus"));
        // CamMethods and SaliencyMethods read names the same way as the catalogue.
        assertEquals("grad-cam-plus-plus", CamMethods.byName("Grad CAM++").name());
        assertEquals("lrp-z-plus", SaliencyMethods.canonical("LRP z plus"));
        assertInstanceOf(ScoreCam.class, Methods.cam(" Score_CAM "));
    }

    @Test
    void familiesAreApartAndComplete() {
        List<String> cam = Methods.names(Methods.Family.CLASS_ACTIVATION);
        List<String> pixel = Methods.names(Methods.Family.PIXEL_SPACE);
        assertEquals(CamMethods.names(), cam);
        assertEquals(SaliencyMethods.names(), pixel);
        assertEquals(cam.size() + pixel.size(), Set.copyOf(Methods.names()).size(), "the families share no name");
        assertEquals(Methods.Family.PIXEL_SPACE, Methods.family("guided-grad-cam"));
        assertEquals(Methods.Family.CLASS_ACTIVATION, Methods.family("grad-cam"));
        assertTrue(Methods.needsLayer("guided-grad-cam"));
        assertFalse(Methods.needsLayer("grad-cam"));
        assertFalse(Methods.needsLayer("smooth-grad"));
    }

    @Test
    void unknownAndMisplacedNamesSayWhatWouldBeRight() {
        UnknownMethodException e = assertThrows(UnknownMethodException.class, () -> Methods.canonical("xgradcam"));
        assertEquals("xgrad-cam", e.nearest().get(0));
        assertTrue(e.getMessage().contains("nearest: xgrad-cam"), e.getMessage());
        assertTrue(e.getMessage().contains("known methods: grad-cam"), e.getMessage());
        assertTrue(e.getMessage().contains("(pixel space)"), e.getMessage());
        assertInstanceOf(GradCamException.class, e);

        InvalidArgumentException pixel = assertThrows(InvalidArgumentException.class,
                () -> Methods.cam("integrated-gradients"));
        assertTrue(pixel.getMessage().contains("pixel-space method"), pixel.getMessage());
        InMemoryCnn model = InMemoryCnn.random(17, 2, 5, 4, 6, 5);
        InvalidArgumentException camAsPixel = assertThrows(InvalidArgumentException.class,
                () -> Methods.attribution("grad-cam", model, null));
        assertTrue(camAsPixel.getMessage().contains("class-activation method"), camAsPixel.getMessage());
        assertThrows(UnknownMethodException.class, () -> Explainer.of(model, "gradcam++"));
    }

    @Test
    void pixelMethodsComeWithTheirDefaults() {
        InMemoryCnn model = InMemoryCnn.random(17, 2, 5, 4, 6, 5);
        IntegratedGradients ig = assertInstanceOf(IntegratedGradients.class,
                Methods.attribution("Integrated Gradients", model, null));
        assertEquals("integrated-gradients", ig.name());
        assertEquals("vanilla-backprop", Methods.attribution("saliency", model, null).name());
    }
}
