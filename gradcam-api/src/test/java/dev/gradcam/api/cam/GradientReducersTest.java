package dev.gradcam.api.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import org.junit.jupiter.api.Test;

/** Reducers against values computed by hand from the published formulas (cited on each reducer). */
class GradientReducersTest {

    // Two channels of 2x2: A0 = [1, 2, 3, 4], A1 = [0, 1, 0, 1]; G0 = [1, -1, 2, 2], G1 = [0.5, 0.5, -0.5, 1.5].
    private final FloatTensor a = FloatTensor.of(Shape.of(2, 2, 2), 1, 2, 3, 4, 0, 1, 0, 1);
    private final FloatTensor g = FloatTensor.of(Shape.of(2, 2, 2), 1, -1, 2, 2, 0.5f, 0.5f, -0.5f, 1.5f);

    @Test
    void globalAverageIsTheMeanGradient() {
        // (1 - 1 + 2 + 2) / 4 = 1; (0.5 + 0.5 - 0.5 + 1.5) / 4 = 0.5
        assertArrayEquals(new float[] {1f, 0.5f}, GradientReducers.globalAverage().reduce(a, g).toArray(), 1e-6f);
    }

    @Test
    void elementwiseKeepsEveryPosition() {
        assertSame(g, GradientReducers.elementwise().reduce(a, g));
    }

    @Test
    void xGradCamWeighsGradientsByNormalisedActivations() {
        // sum(A0*G0) / sum(A0) = (1 - 2 + 6 + 8) / 10 = 1.3; sum(A1*G1) / sum(A1) = (0.5 + 1.5) / 2 = 1
        assertArrayEquals(new float[] {1.3f, 1f}, GradientReducers.xGradCam().reduce(a, g).toArray(), 1e-5f);
    }

    @Test
    void gradCamPlusPlusFollowsTheClosedForm() {
        // alpha = g^2 / (2 g^2 + sumA g^3), w = sum alpha relu(g).
        // Channel 0, sumA = 10: g=1: 1/(2+10)=1/12 -> 1/12; g=-1: relu 0; g=2: 4/(8+80)=1/22 -> 2/22 (twice).
        float w0 = (float) (1.0 / 12 + 2 * 2.0 / 22);
        // Channel 1, sumA = 2: g=0.5: 0.25/(0.5+0.25)=1/3 -> 1/6 (twice); g=-0.5: relu 0; g=1.5: 2.25/(4.5+6.75)=0.2 -> 0.3
        float w1 = (float) (2 * 0.5 / 3 + 0.3);
        assertArrayEquals(new float[] {w0, w1}, GradientReducers.gradCamPlusPlus().reduce(a, g).toArray(), 1e-5f);
    }

    @Test
    void combineIsTheWeightedSumOverSelectedChannels() {
        FloatTensor w = FloatTensor.of(Shape.of(2), 2f, -1f);
        // 2*A0 - A1 = [2, 3, 6, 7]
        assertArrayEquals(new float[] {2, 3, 6, 7}, CamMath.combine(a, w, ChannelMask.all(2)).toArray(), 1e-6f);
        assertArrayEquals(new float[] {2, 4, 6, 8}, CamMath.combine(a, w, ChannelMask.of(true, false)).toArray(),
                1e-6f);
        // Per position: sum_k G_k * A_k = [1, -2+0.5, 6, 8+1.5]
        assertArrayEquals(new float[] {1, -1.5f, 6, 9.5f}, CamMath.combine(a, g, ChannelMask.all(2)).toArray(),
                1e-6f);
    }

    @Test
    void statsSummariseEachChannel() {
        ChannelStats s = CamMath.stats(3, a, g, GradientReducers.globalAverage().reduce(a, g));
        assertArrayEquals(new float[] {1f, 0.5f}, s.weights(), 1e-6f);
        assertArrayEquals(new float[] {2.5f, 0.5f}, new float[] {s.meanActivation(0), s.meanActivation(1)}, 1e-6f);
        // energy: mean of A^2: (1+4+9+16)/4 = 7.5; (0+1+0+1)/4 = 0.5
        assertArrayEquals(new float[] {7.5f, 0.5f}, new float[] {s.energy(0), s.energy(1)}, 1e-6f);
        assertArrayEquals(new float[] {1f, 0.5f}, new float[] {s.meanGradient(0), s.meanGradient(1)}, 1e-6f);
    }
}
