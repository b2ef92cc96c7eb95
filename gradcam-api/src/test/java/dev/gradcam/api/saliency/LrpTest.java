package dev.gradcam.api.saliency;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.UnsupportedCapabilityException;
import dev.gradcam.api.spi.GradientMode;
import dev.gradcam.api.spi.LrpModes;
import dev.gradcam.api.target.Targets;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.testing.InMemoryCnn;
import dev.gradcam.api.testing.RestrictedModel;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * LRP through {@link InMemoryCnn}, which implements the backend specification of {@link LrpModes}: compared with the
 * textbook {@link LrpReference} layer by layer, and checked for conservation where theory promises it.
 */
class LrpTest {

    private static final int C = 2;
    private static final int K = 4;
    private static final int M = 3;
    private static final int H = 4;
    private static final int W = 3;
    private static final double LOW = -4;
    private static final double HIGH = 4;

    /** Random weights; biases scaled by {@code bias} (0 for a bias-free model). */
    private static double[][] weights(long seed, double bias) {
        Random r = new Random(seed);
        double[][] p = {new double[K * C * 9], new double[K], new double[M * K], new double[M]};
        for (double[] a : p) {
            for (int i = 0; i < a.length; i++) {
                a[i] = r.nextGaussian() * (a == p[1] || a == p[3] ? bias : a == p[0] ? 0.5 : 1.0);
            }
        }
        return p;
    }

    private static InMemoryCnn model(double[][] p) {
        return new InMemoryCnn(C, K, M, H, W, p[0], p[1], p[2], p[3]);
    }

    private static LrpReference reference(double[][] p) {
        return new LrpReference(C, K, M, H, W, p[0], p[1], p[2], p[3]);
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                Arguments.of(LrpModes.epsilon(1e-9), null, LrpReference.Rule.epsilon(1e-9), null),
                Arguments.of(LrpModes.epsilon(0.5), null, LrpReference.Rule.epsilon(0.5), null),
                Arguments.of(LrpModes.zPlus(), null, LrpReference.Rule.alphaBeta(1, 0), null),
                Arguments.of(LrpModes.alphaBeta(2, 1), null, LrpReference.Rule.alphaBeta(2, 1), null),
                Arguments.of(LrpModes.epsilon(0.1), LrpModes.zBox(LOW, HIGH), LrpReference.Rule.epsilon(0.1),
                        LrpReference.Rule.zBox(LOW, HIGH)),
                Arguments.of(LrpModes.alphaBeta(2, 1), LrpModes.flat(), LrpReference.Rule.alphaBeta(2, 1),
                        LrpReference.Rule.flat()),
                Arguments.of(LrpModes.zPlus(), LrpModes.wSquare(), LrpReference.Rule.alphaBeta(1, 0),
                        LrpReference.Rule.wSquare()),
                Arguments.of(LrpModes.epsilon(0.01), LrpModes.alphaBeta(3, 2), LrpReference.Rule.epsilon(0.01),
                        LrpReference.Rule.alphaBeta(3, 2)));
    }

    @ParameterizedTest
    @MethodSource("rules")
    void everyLayerMatchesTheTextbookReference(GradientMode rule, GradientMode inputRule, LrpReference.Rule ref,
                                               LrpReference.Rule inputRef) {
        double[][] p = weights(3, 0.3);
        InMemoryCnn model = model(p);
        FloatTensor x = model.randomInput(5, 2);
        Lrp.Builder b = Lrp.builder(model).rule(rule).taps("conv", "pool", "logits");
        if (inputRule != null) {
            b.inputLayerRule(inputRule);
        }
        Attribution a = b.build().attribute(x, List.of(Targets.classLogit(0), Targets.classLogit(2)));
        for (int i = 0; i < 2; i++) {
            double[] xi = toDouble(x.slice(i));
            LrpReference.Layers r = reference(p).explain(xi, i == 0 ? 0 : 2, ref, inputRef == null ? ref : inputRef);
            assertClose(r.logits(), a.layerAttribution(InMemoryCnn.LOGITS).slice(i), "logits " + rule);
            assertClose(r.pool(), a.layerAttribution(InMemoryCnn.POOL).slice(i), "pool " + rule);
            assertClose(r.conv(), a.layerAttribution(InMemoryCnn.CONV).slice(i), "conv " + rule);
            assertClose(r.input(), a.attribution(i), "input " + rule + " / " + inputRule);
        }
    }

    @Test
    void epsilonToZeroConservesRelevanceLayerByLayerWithoutBiases() {
        InMemoryCnn model = model(weights(8, 0));
        FloatTensor x = model.randomInput(1, 3);
        Attribution a = Lrp.builder(model).rule(LrpModes.epsilon(1e-9)).taps("conv", "relu", "pool", "logits").build()
                .attribute(x);
        for (int i = 0; i < 3; i++) {
            double total = a.score(i);
            for (String layer : List.of(InMemoryCnn.LOGITS, InMemoryCnn.POOL, InMemoryCnn.RELU, InMemoryCnn.CONV)) {
                double sum = a.layerAttribution(layer).slice(i).sum();
                assertEquals(total, sum, 0.01 * Math.abs(total), layer + " of image " + i);
            }
            assertEquals(total, a.attribution(i).sum(), 0.01 * Math.abs(total), "input of image " + i);
            assertTrue(a.completeness(i).orElseThrow().relativeError() < 0.01);
        }
    }

    @Test
    void epsilonLosesExactlyTheShareOfBiasesAndEpsilon() {
        double[][] p = weights(9, 0.5);
        InMemoryCnn model = model(p);
        FloatTensor x = model.randomInput(2, 1);
        double eps = 0.25;
        Attribution a = Lrp.builder(model).rule(LrpModes.epsilon(eps)).taps("pool").build()
                .attribute(x, Targets.classLogit(1));
        // At the dense layer only the target's logit z carries relevance R = z; its inputs keep R (z - b) / (z + eps).
        double z = model.forward(x).get(0, 1);
        double expected = z * (z - p[3][1]) / (z + eps * Math.signum(z));
        assertEquals(expected, a.layerAttribution(InMemoryCnn.POOL).sum(), 1e-5 * Math.abs(z));
    }

    /** The rules with something to conserve: epsilon with biases absorbs relevance by design (previous test). */
    static Stream<Arguments> conservingRules() {
        return rules().filter(a -> {
            GradientMode rule = (GradientMode) a.get()[0];
            GradientMode inputRule = (GradientMode) a.get()[1];
            return !rule.name().equals(LrpModes.EPSILON)
                    || inputRule != null && !inputRule.name().equals(LrpModes.EPSILON);
        });
    }

    @ParameterizedTest
    @MethodSource("conservingRules")
    void alphaBetaZPlusAndTheInputRulesConserveExactlyDespiteBiases(GradientMode rule, GradientMode inputRule,
                                                                    LrpReference.Rule ref, LrpReference.Rule inputRef) {
        boolean conserving = !rule.name().equals(LrpModes.EPSILON);
        boolean inputConserving = inputRule != null && !inputRule.name().equals(LrpModes.EPSILON);
        double[][] p = weights(2, 0.5);
        InMemoryCnn model = model(p);
        FloatTensor x = model.randomInput(1, 2);
        Lrp.Builder b = Lrp.builder(model).rule(rule).taps("conv", "pool");
        if (inputRule != null) {
            b.inputLayerRule(inputRule);
        }
        Attribution a = b.build().attribute(x);
        for (int i = 0; i < 2; i++) {
            // Theory promises exact conservation where no denominator is zero; the reference counts them.
            LrpReference.Layers r = reference(p).explain(toDouble(x.slice(i)), a.targetClass(i), ref,
                    inputRef == null ? ref : inputRef);
            assertEquals(0, r.zeroDenominators(), "choose an input without degenerate neurons");
            double atConv = a.layerAttribution(InMemoryCnn.CONV).slice(i).sum();
            double atPool = a.layerAttribution(InMemoryCnn.POOL).slice(i).sum();
            if (conserving) {
                assertEquals(a.score(i), atPool, 1e-5 * Math.abs(a.score(i)), "dense layer, " + rule);
            }
            assertEquals(atPool, atConv, 1e-5 * Math.abs(atPool), "pooling and ReLU pass relevance on");
            if (inputConserving || inputRule == null && conserving) {
                assertEquals(atConv, a.attribution(i).sum(), 1e-5 * Math.abs(atConv), "input layer, " + inputRule);
            }
        }
    }

    @Test
    void aZeroDenominatorDropsRelevanceAsTheReferenceDoes() {
        // A class whose dense weights are all positive has no negative contribution: alpha-beta keeps alpha R there.
        double[][] p = weights(4, 0.5);
        for (int q = 0; q < K; q++) {
            p[2][q] = Math.abs(p[2][q]);
        }
        InMemoryCnn model = model(p);
        FloatTensor x = model.randomInput(6, 1);
        Attribution a = Lrp.builder(model).rule(LrpModes.alphaBeta(2, 1)).taps("pool").build()
                .attribute(x, Targets.classLogit(0));
        LrpReference.Layers r = reference(p).explain(toDouble(x.slice(0)), 0, LrpReference.Rule.alphaBeta(2, 1),
                LrpReference.Rule.alphaBeta(2, 1));
        assertTrue(r.zeroDenominators() > 0);
        assertEquals(2 * a.score(0), a.layerAttribution(InMemoryCnn.POOL).sum(), 1e-5 * Math.abs(a.score(0)));
        assertClose(r.input(), a.attribution(0), "degenerate input relevance");
    }

    @Test
    void lrpZeroIsGradientTimesInput() {
        InMemoryCnn model = model(weights(12, 0.5));
        FloatTensor x = model.randomInput(3, 2);
        Attribution lrp = Saliency.lrpEpsilon(model, 0).attribute(x);
        Attribution gxi = Saliency.gradientTimesInput(model).attribute(x);
        assertTrue(lrp.attributions().relativeError(gxi.attributions()) < 1e-5);
    }

    @Test
    void perChannelBoundsApplyToTheirChannels() {
        double[][] p = weights(3, 0.3);
        InMemoryCnn model = model(p);
        FloatTensor x = model.randomInput(5, 1);
        Attribution same = Saliency.lrp(model, LrpModes.zPlus(), LrpModes.zBox(LOW, HIGH)).attribute(x);
        Attribution perChannel = Saliency.lrp(model, LrpModes.zPlus(),
                LrpModes.zBox(new double[] {LOW, LOW}, new double[] {HIGH, HIGH})).attribute(x);
        assertTrue(same.attributions().relativeError(perChannel.attributions()) < 1e-6);
        Attribution other = Saliency.lrp(model, LrpModes.zPlus(),
                LrpModes.zBox(new double[] {LOW, -5}, new double[] {HIGH, 6})).attribute(x);
        assertTrue(same.attributions().relativeError(other.attributions()) > 1e-3);
        assertEquals(0, other.completeness(0).orElseThrow().relativeError(), 1e-5);
    }

    @Test
    void modesDescribeThemselvesAndMisuseFailsClearly() {
        GradientMode m = LrpModes.epsilon(0.25).withInputLayerRule(LrpModes.zBox(-1, 1));
        assertEquals("lrp-epsilon(epsilon=0.25; input layer: lrp-z-box(high=1.0, low=-1.0))", m.describe());
        assertEquals(LrpModes.epsilon(0.25).withInputLayerRule(LrpModes.zBox(-1, 1)), m);
        InMemoryCnn model = model(weights(1, 0));
        assertTrue(model.supports(m));
        assertThrows(InvalidArgumentException.class, () -> LrpModes.alphaBeta(2, 2));
        assertThrows(InvalidArgumentException.class, () -> Lrp.builder(model).rule(LrpModes.flat()).build());
        assertThrows(InvalidArgumentException.class,
                () -> GradientMode.GUIDED.withInputLayerRule(LrpModes.flat()));
        UnsupportedCapabilityException e = assertThrows(UnsupportedCapabilityException.class,
                () -> Lrp.builder(RestrictedModel.withoutLrp(model)).build());
        assertTrue(e.getMessage().contains("gradient-mode overrides"), e.getMessage());
    }

    private static double[] toDouble(FloatTensor t) {
        double[] d = new double[t.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = t.getFlat(i);
        }
        return d;
    }

    private static void assertClose(double[] expected, FloatTensor actual, String what) {
        assertEquals(expected.length, actual.size(), what);
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < expected.length; i++) {
            diff += Math.pow(expected[i] - actual.getFlat(i), 2);
            norm += expected[i] * expected[i];
        }
        assertTrue(norm > 0, what + ": the reference is not all zero");
        assertTrue(Math.sqrt(diff / norm) < 1e-5, what + ": relative error " + Math.sqrt(diff / norm));
    }
}
