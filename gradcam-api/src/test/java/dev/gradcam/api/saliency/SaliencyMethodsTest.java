package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.GradCamException;
import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.Capability;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.api.target.Target;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.InMemoryCnn;
import dev.gradcam.api.testing.RestrictedModel;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The pixel-space methods by name, on {@link InMemoryCnn}, which implements every gradient mode. */
class SaliencyMethodsTest {

    /** Each name with the name its method reports. */
    private static final Map<String, String> REPORTED = Map.of("vanilla-gradient", "vanilla-backprop",
            "guided-backprop", "guided-backprop", "deconvnet", "deconvnet", "gradient-x-input", "gradient-x-input",
            "integrated-gradients", "integrated-gradients", "smooth-grad", "smooth-grad",
            "guided-grad-cam", "guided-grad-cam", "lrp-epsilon", "lrp", "lrp-z-plus", "lrp");

    static List<String> names() {
        return SaliencyMethods.names();
    }

    private static InMemoryCnn model() {
        return InMemoryCnn.random(17, 2, 5, 4, 6, 5);
    }

    @Test
    void namesAreTheIssuesKebabCaseNames() {
        assertEquals(List.of("vanilla-gradient", "guided-backprop", "deconvnet", "gradient-x-input",
                "integrated-gradients", "smooth-grad", "guided-grad-cam", "lrp-epsilon", "lrp-z-plus"),
                SaliencyMethods.names());
        assertEquals(REPORTED.keySet(), Set.copyOf(SaliencyMethods.names()));
        for (String cam : dev.gradcam.api.method.CamMethods.names()) {
            assertFalse(SaliencyMethods.isKnown(cam), () -> cam + " is in both families");
        }
    }

    @ParameterizedTest
    @MethodSource("names")
    void everyNameResolvesAndAttributesABatch(String name) {
        InMemoryCnn model = model();
        FloatTensor x = model.randomInput(23, 3);
        List<Target> targets = List.of(Targets.classLogit(0), Targets.classLogit(2), Targets.topClass());
        AttributionMethod method = SaliencyMethods.byName(name, model, "relu");
        assertEquals(REPORTED.get(name), method.name());
        assertEquals(name.equals("guided-grad-cam"), SaliencyMethods.needsLayer(name));

        Attribution a = method.attribute(x, targets);
        assertEquals(x.shape(), a.attributions().shape(), name);
        assertTrue(a.attributions().allFinite(), name);
        assertTrue(a.attributions().norm() > 0, () -> name + " attributes nothing");
        assertEquals(0, a.targetClass(0));
        assertEquals(2, a.targetClass(1));
        FloatTensor gray = SaliencyMaps.grayscale(a.attributions());
        assertTrue(gray.min() >= 0 && gray.max() <= 1, name);
        boolean checked = name.equals("integrated-gradients") || name.startsWith("lrp-");
        assertEquals(checked, a.completeness(0).isPresent(), name);
    }

    @Test
    void lrpAndGuidedGradCamGetTheirRuleAndLayer() {
        InMemoryCnn model = model();
        FloatTensor x = model.randomInput(5, 2);
        Lrp lrp = assertInstanceOf(Lrp.class, SaliencyMethods.byName("lrp-epsilon", model, null));
        assertEquals(LrpModes.epsilon(LrpModes.DEFAULT_EPSILON), lrp.mode());
        Lrp zPlus = assertInstanceOf(Lrp.class, SaliencyMethods.byName("lrp-z-plus", model, null));
        assertEquals(LrpModes.zPlus(), zPlus.mode());
        assertEquals(0, SaliencyMethods.byName("guided-grad-cam", model, "relu").attribute(x).attributions()
                .relativeError(Saliency.guidedGradCam(model, "relu").attribute(x).attributions()), 1e-6);
    }

    @Test
    void defaultsAreTheBuildersDefaults() {
        // Captum's IntegratedGradients n_steps=50; SmoothGrad (Smilkov et al. 2017): 50 samples, noise 10-20 % of the
        // input range (0.15 in between).
        assertEquals(50, IntegratedGradients.DEFAULT_STEPS);
        assertEquals(50, SmoothGrad.DEFAULT_SAMPLES);
        assertEquals(0.15, SmoothGrad.DEFAULT_NOISE_LEVEL);
        // And they are what the builders do when left alone.
        InMemoryCnn model = model();
        FloatTensor x = model.randomInput(5, 1);
        assertEquals(0, SaliencyMethods.byName("integrated-gradients", model, null).attribute(x).attributions()
                .relativeError(Saliency.integratedGradients(model).build().attribute(x).attributions()), 1e-6);
        assertEquals(0, SaliencyMethods.byName("smooth-grad", model, null).attribute(x).attributions()
                .relativeError(Saliency.smoothGrad(Saliency.vanilla(model)).build().attribute(x).attributions()), 1e-6);
    }

    @Test
    void outputIsExplainedWhereAsked() {
        InMemoryCnn model = model();
        FloatTensor x = model.randomInput(5, 1);
        Attribution a = SaliencyMethods.byName("vanilla-gradient", model, null, "pool").attribute(x,
                Targets.classLogit(1));
        Attribution b = Saliency.vanilla(model).explaining("pool").attribute(x, Targets.classLogit(1));
        assertEquals(0, a.attributions().relativeError(b.attributions()), 1e-6);
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> SaliencyMethods.byName("guided-grad-cam", model, "relu", "pool"));
        assertTrue(e.getMessage().contains("first output only"), e.getMessage());
    }

    @Test
    void lookupIsForgivingAboutCaseUnderscoresAndAliases() {
        assertEquals("vanilla-gradient", SaliencyMethods.canonical(" Saliency "));
        assertEquals("vanilla-gradient", SaliencyMethods.canonical("vanilla_backprop"));
        assertEquals("integrated-gradients", SaliencyMethods.canonical("Integrated_Gradients"));
        assertTrue(SaliencyMethods.isKnown("LRP_Z_plus"));
        assertFalse(SaliencyMethods.isKnown("grad-cam"));
        assertEquals("vanilla-backprop", SaliencyMethods.byName("saliency", model(), null).name());
        assertEquals(Map.of("saliency", "vanilla-gradient", "vanilla-backprop", "vanilla-gradient"),
                SaliencyMethods.aliases());
    }

    @Test
    void unknownNameListsBothFamilies() {
        GradCamException e = assertThrows(GradCamException.class,
                () -> SaliencyMethods.byName("guided-backprob", model(), null));
        String m = e.getMessage();
        assertTrue(m.startsWith("unknown pixel-space method 'guided-backprob'"), m);
        assertTrue(m.contains("pixel-space methods: vanilla-gradient, guided-backprop, "), m);
        assertTrue(m.contains("aliases: saliency, vanilla-backprop"), m);
        assertTrue(m.contains("class-activation methods (CamMethods): grad-cam, grad-cam-plus-plus"), m);

        GradCamException cam = assertThrows(GradCamException.class, () -> SaliencyMethods.canonical("Score_CAM"));
        assertTrue(cam.getMessage().contains("'score-cam' is a class-activation method"), cam.getMessage());
        assertThrows(GradCamException.class, () -> SaliencyMethods.needsLayer("nothing"));
    }

    @Test
    void guidedGradCamNeedsALayer() {
        InvalidArgumentException e = assertThrows(InvalidArgumentException.class,
                () -> SaliencyMethods.byName("guided-grad-cam", model(), null));
        assertTrue(e.getMessage().contains("needs a layer"), e.getMessage());
    }

    @Test
    void backendsWithoutTheModeOrInputGradientsAreRefused() {
        InMemoryCnn model = model();
        RestrictedModel noLrp = RestrictedModel.withoutLrp(model);
        for (String name : List.of("lrp-epsilon", "lrp-z-plus")) {
            UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                    () -> SaliencyMethods.byName(name, noLrp, null), name);
            assertTrue(e.getMessage().contains("restricted"), e.getMessage());
        }
        assertEquals("guided-backprop", SaliencyMethods.byName("guided-backprop", noLrp, null).name());

        RestrictedModel noInput = RestrictedModel.without(model, Capability.INPUT_GRADIENT);
        for (String name : SaliencyMethods.names()) {
            assertThrows(UnsupportedCapabilityException.class, () -> SaliencyMethods.byName(name, noInput, "relu"),
                    name);
        }
    }
}
