package dev.gradcam.api.target;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.InvalidArgumentException;
import dev.gradcam.api.InvalidInputException;
import dev.gradcam.api.spi.Seed;
import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Target scores and gradients: closed forms by hand, and every gradient against central finite differences of the
 * target's own score.
 */
class TargetsTest {

    private final FloatTensor logits = FloatTensor.of(Shape.of(4), 1f, 3f, -2f, 0.5f);

    private static void assertGradientIsFiniteDifference(Target t, FloatTensor out) {
        FloatTensor g = t.gradient(out);
        for (int i = 0; i < out.size(); i++) {
            float[] p = out.toArray();
            float[] m = out.toArray();
            p[i] += 1e-3f;
            m[i] -= 1e-3f;
            double fd = (t.score(FloatTensor.of(out.shape(), p)) - t.score(FloatTensor.of(out.shape(), m))) / 2e-3;
            assertEquals(fd, g.getFlat(i), 1e-3, t.describe() + " element " + i);
        }
    }

    /** H u against central differences of the target's own gradient along u. */
    private static void assertHessianVectorIsFiniteDifference(Target t, FloatTensor out, FloatTensor u) {
        FloatTensor hu = t.hessianVector(out, u);
        float[] p = out.toArray();
        float[] m = out.toArray();
        for (int i = 0; i < p.length; i++) {
            p[i] += 1e-3f * u.getFlat(i);
            m[i] -= 1e-3f * u.getFlat(i);
        }
        FloatTensor gp = t.gradient(FloatTensor.of(out.shape(), p));
        FloatTensor gm = t.gradient(FloatTensor.of(out.shape(), m));
        for (int i = 0; i < out.size(); i++) {
            double fd = ((double) gp.getFlat(i) - gm.getFlat(i)) / 2e-3;
            assertEquals(fd, hu.getFlat(i), 1e-3, t.describe() + " element " + i);
        }
    }

    @Test
    void secondDerivativesForShapleyCam() {
        FloatTensor u = FloatTensor.of(Shape.of(4), 0.3f, -1.2f, 0.7f, 2f);
        assertHessianVectorIsFiniteDifference(Targets.classProbability(1), logits, u);
        assertHessianVectorIsFiniteDifference(Targets.classProbability(2), logits, u);
        assertHessianVectorIsFiniteDifference(Targets.rest(1), logits, u);
        assertHessianVectorIsFiniteDifference(Targets.rest(3), logits, u);
        assertEquals(0, Targets.classLogit(2).hessianVector(logits, u).norm());
        assertEquals(0, Targets.rawScores().hessianVector(logits, u).norm());
        InvalidArgumentException finer = assertThrows(InvalidArgumentException.class,
                () -> Targets.finer(1, new int[] {0, 3}, 0.5).hessianVector(logits, u));
        assertTrue(finer.getMessage().contains("second derivative"), finer.getMessage());
        // Batched through the seed: image by image.
        FloatTensor batch = FloatTensor.stack(List.of(logits, u));
        FloatTensor dirs = FloatTensor.stack(List.of(u, logits));
        Seed seed = Targets.seedFor(List.of(Targets.rest(1), Targets.classProbability(0)), 2);
        assertFalse(seed.isLinear());
        FloatTensor h = seed.curvature(batch, dirs);
        assertEquals(0, h.slice(0).relativeError(Targets.rest(1).hessianVector(logits, u)), 1e-7);
        assertEquals(0, h.slice(1).relativeError(Targets.classProbability(0).hessianVector(u, logits)), 1e-7);
        assertTrue(Targets.seedFor(List.of(Targets.classLogit(1)), 1).isLinear());
        assertTrue(Targets.seedFor(List.of(Targets.topClass()), 1).isLinear());
    }

    @Test
    void classLogit() {
        Target t = Targets.classLogit(2);
        assertEquals(-2.0, t.score(logits));
        assertArrayEquals(new float[] {0, 0, 1, 0}, t.gradient(logits).toArray());
        assertFalse(t.dependsOnOutput());
        assertGradientIsFiniteDifference(t, logits);
    }

    @Test
    void classProbability() {
        Target t = Targets.classProbability(1);
        double z = Math.exp(1) + Math.exp(3) + Math.exp(-2) + Math.exp(0.5);
        assertEquals(Math.exp(3) / z, t.score(logits), 1e-6);
        assertTrue(t.dependsOnOutput());
        assertGradientIsFiniteDifference(t, logits);
    }

    @Test
    void restIsTheLogitMinusTheCrossEntropy() {
        // ReST (ShapleyCAM paper): y_c - CE(y, c) = y_c + log softmax(y)_c.
        Target t = Targets.rest(1);
        double z = Math.exp(1) + Math.exp(3) + Math.exp(-2) + Math.exp(0.5);
        assertEquals(3 + Math.log(Math.exp(3) / z), t.score(logits), 1e-6);
        assertTrue(t.dependsOnOutput());
        assertEquals(1, t.classIndex(logits).getAsInt());
        assertGradientIsFiniteDifference(t, logits);
    }

    @Test
    void rawScoresSumTheOutput() {
        Target t = Targets.rawScores();
        assertEquals(1 + 3 - 2 + 0.5, t.score(logits), 1e-6);
        assertFalse(t.dependsOnOutput());
        assertGradientIsFiniteDifference(t, logits);
    }

    @Test
    void finerWeighsTheDifferenceBySoftmaxProbabilities() {
        // Finer-CAM: sum_j p_j (y_m - alpha y_j) / (sum_j p_j + 1e-9), by hand for main 1 against classes 0 and 3.
        Target t = Targets.finer(1, new int[] {0, 3}, 0.5);
        double z = Math.exp(1) + Math.exp(3) + Math.exp(-2) + Math.exp(0.5);
        double p0 = Math.exp(1) / z;
        double p3 = Math.exp(0.5) / z;
        assertEquals((p0 * (3 - 0.5 * 1) + p3 * (3 - 0.5 * 0.5)) / (p0 + p3 + 1e-9), t.score(logits), 1e-6);
        assertGradientIsFiniteDifference(t, logits);
        assertEquals(Targets.finer(1, new int[] {0, 3}, 0.5), t);
        assertThrows(InvalidArgumentException.class, () -> Targets.finer(1, new int[0], 1));
        assertThrows(InvalidInputException.class, () -> Targets.finer(1, new int[] {9}, 1).score(logits));
    }

    @Test
    void binary() {
        Target pos = Targets.binary(0);
        Target neg = Targets.binaryNegative(0);
        FloatTensor one = FloatTensor.of(Shape.of(1), 0.7f);
        double s = 1 / (1 + Math.exp(-0.7));
        assertEquals(s, pos.score(one), 1e-6);
        assertEquals(1 - s, neg.score(one), 1e-6);
        assertGradientIsFiniteDifference(pos, one);
        assertGradientIsFiniteDifference(neg, one);
    }

    @Test
    void region() {
        FloatTensor out = FloatTensor.of(Shape.of(2, 2, 2), 1, 2, 3, 4, 5, 6, 7, 8);
        FloatTensor mask = FloatTensor.of(Shape.of(2, 2), 1, 0, 0, 1);
        Target t = Targets.region(1, mask);
        assertEquals(5 + 8, t.score(out), 1e-6);
        assertArrayEquals(new float[] {0, 0, 0, 0, 1, 0, 0, 1}, t.gradient(out).toArray());
        assertGradientIsFiniteDifference(t, out);
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> Targets.region(2, mask).score(out));
        assertTrue(e.getMessage().contains("channel 2"), e.getMessage());
    }

    @Test
    void topClassAndCustom() {
        assertEquals(1, Targets.topClass().classIndex(logits).getAsInt());
        assertGradientIsFiniteDifference(Targets.topClass(), logits);
        Target sq = Targets.custom("sum of squares", o -> {
            double s = 0;
            for (int i = 0; i < o.size(); i++) {
                s += o.getFlat(i) * o.getFlat(i);
            }
            return s;
        }, o -> {
            float[] g = o.toArray();
            for (int i = 0; i < g.length; i++) {
                g[i] *= 2;
            }
            return FloatTensor.of(o.shape(), g);
        }, false);
        assertGradientIsFiniteDifference(sq, logits);
    }

    @Test
    void seedKindFollowsTheTargets() {
        assertInstanceOf(Seed.TopClass.class, Targets.seedFor(List.of(Targets.topClass(), Targets.topClass()), 2));
        Seed fixed = Targets.seedFor(List.of(Targets.classLogit(0), Targets.classLogit(3)), 2);
        assertInstanceOf(Seed.OfShape.class, fixed);
        FloatTensor seed = ((Seed.OfShape) fixed).forShape(Shape.of(2, 4));
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 0, 0, 1}, seed.toArray());
        Seed mixed = Targets.seedFor(List.of(Targets.classLogit(0), Targets.classProbability(1)), 2);
        assertInstanceOf(Seed.OfOutput.class, mixed);
        FloatTensor batch = FloatTensor.stack(List.of(logits, logits));
        FloatTensor g = mixed.resolve(batch);
        assertArrayEquals(Targets.classProbability(1).gradient(logits).toArray(), g.slice(1).toArray(), 1e-7f);
        assertThrows(InvalidInputException.class, () -> Targets.seedFor(List.of(Targets.topClass()), 2));
    }

    @Test
    void aSeedOfTheWrongShapeIsRejected() {
        Seed bad = new Seed.OfOutput(Function.identity());
        FloatTensor out = FloatTensor.zeros(Shape.of(1, 4));
        assertEquals(out, bad.resolve(out));
        Seed wrong = new Seed.OfShape(s -> FloatTensor.zeros(Shape.of(3)));
        assertThrows(InvalidInputException.class, () -> wrong.resolve(out));
    }
}
