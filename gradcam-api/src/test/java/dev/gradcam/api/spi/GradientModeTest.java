package dev.gradcam.api.spi;

import dev.gradcam.api.DifferentiableModel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.testing.HandModel;
import dev.gradcam.api.testing.InMemoryCnn;
import dev.gradcam.api.testing.RestrictedModel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gradient modes with parameters and input-layer rules, and how backends declare support for them. */
class GradientModeTest {

    @Test
    void plainModesAreUnchanged() {
        assertEquals(GradientMode.GUIDED, new GradientMode("guided"));
        assertEquals("guided", GradientMode.GUIDED.toString());
        assertTrue(GradientMode.STANDARD.params().isEmpty());
        assertFalse(GradientMode.GUIDED.isLrp());
    }

    @Test
    void parametersAreCopiedSortedAndFinite() {
        Map<String, Double> p = new LinkedHashMap<>();
        p.put("beta", 1.0);
        p.put("alpha", 2.0);
        GradientMode m = new GradientMode("lrp-alpha-beta", p);
        p.put("alpha", 5.0);
        assertEquals(2.0, m.param("alpha", 0));
        assertEquals(7.0, m.param("gamma", 7));
        assertEquals("lrp-alpha-beta(alpha=2.0, beta=1.0)", m.describe());
        assertEquals(LrpModes.alphaBeta(2, 1), m);
        assertThrows(InvalidArgumentException.class, () -> new GradientMode("x", Map.of("a", Double.NaN)));
        assertThrows(InvalidArgumentException.class, () -> LrpModes.epsilon(-1));
    }

    @Test
    void inputLayerRulesDoNotNest() {
        GradientMode inner = LrpModes.zPlus().withInputLayerRule(LrpModes.flat());
        assertThrows(InvalidArgumentException.class, () -> LrpModes.epsilon(0.1).withInputLayerRule(inner));
        assertEquals(LrpModes.flat(), inner.inputLayer().orElseThrow());
    }

    @Test
    void supportIsByFamilyWhateverTheParameters() {
        InMemoryCnn model = HandModel.model();
        assertTrue(model.supports(LrpModes.epsilon(0.123)));
        assertTrue(model.supports(LrpModes.alphaBeta(3, 2).withInputLayerRule(LrpModes.zBox(-1, 1))));
        assertFalse(model.supports(new GradientMode("no-such-mode")));
        DifferentiableModel noLrp = RestrictedModel.withoutLrp(model);
        assertFalse(noLrp.supports(LrpModes.zPlus()));
        assertTrue(noLrp.supports(GradientMode.GUIDED));
    }

    @Test
    void zBoxBoundsFallBackToTheSharedBounds() {
        GradientMode m = LrpModes.zBox(new double[] {-1, -2}, new double[] {1, 3});
        assertEquals(-2, LrpModes.lowerBound(m, 1));
        assertEquals(1, LrpModes.upperBound(m, 0));
        assertEquals(-2, LrpModes.lowerBound(m, 5), "channels without their own bound use the loosest");
        assertThrows(InvalidArgumentException.class, () -> LrpModes.validate(
                LrpModes.zPlus().withInputLayerRule(new GradientMode(LrpModes.Z_BOX))));
        assertThrows(InvalidArgumentException.class, () -> LrpModes.validate(LrpModes.wSquare()));
    }
}
