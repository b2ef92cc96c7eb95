package dev.gradcam.api.cam;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Eigen-CAM (Muhammad and Yeasin 2020): the map is the projection of the centred [h*w, K] activation matrix on its
 * first right singular vector, as pytorch-grad-cam's get_2d_projection computes it.
 */
class PrincipalComponentTest {

    /** P = [[1, 2], [3, 4]], centred: [[-1.5, -0.5], [0.5, 1.5]]. */
    private static final float[] P_CENTRED = {-1.5f, -0.5f, 0.5f, 1.5f};

    /** Rank-one maps A_k = c_k P. */
    private static FloatTensor rankOne(float... c) {
        float[] p = {1, 2, 3, 4};
        float[] d = new float[c.length * 4];
        for (int k = 0; k < c.length; k++) {
            for (int i = 0; i < 4; i++) {
                d[k * 4 + i] = c[k] * p[i];
            }
        }
        return FloatTensor.of(Shape.of(c.length, 2, 2), d);
    }

    private static float[] scaled(float s, float[] v) {
        float[] out = v.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] *= s;
        }
        return out;
    }

    @Test
    void rankOneMapsProjectOntoTheirCommonPattern() {
        // X_c = (P - mean P) c^T, so v = c / |c| (sum c = 2 > 0 keeps the sign) and p = |c| (P - mean P).
        PrincipalComponent pc = PrincipalComponent.of(rankOne(1, 2, -1));
        float norm = (float) Math.sqrt(6);
        assertArrayEquals(new float[] {1 / norm, 2 / norm, -1 / norm}, pc.direction().toArray(), 1e-6f);
        assertArrayEquals(scaled(norm, P_CENTRED), pc.map().toArray(), 1e-5f);
        assertArrayEquals(new float[] {2.5f, 5f, -2.5f}, pc.centred().toArray(), 1e-6f);
    }

    @Test
    void theSignMakesTheMapAgreeWithTheCentredSumOfTheMaps() {
        // c = (-1, -2, 1): the centred channel sum is -2 (P - mean P), so the map is -sqrt(6) (P - mean P).
        PrincipalComponent pc = PrincipalComponent.of(rankOne(-1, -2, 1));
        assertArrayEquals(scaled((float) -Math.sqrt(6), P_CENTRED), pc.map().toArray(), 1e-5f);
        assertTrue(pc.direction().sum() > 0);
    }

    @Test
    void moreChannelsThanPositionsUsesTheSmallGramMatrix() {
        // K = 5 > h*w = 4 takes the other branch; the answer is the same formula.
        PrincipalComponent pc = PrincipalComponent.of(rankOne(1, 1, 1, 1, 1));
        assertArrayEquals(scaled((float) Math.sqrt(5), P_CENTRED), pc.map().toArray(), 1e-5f);
        assertEquals(1, pc.direction().norm(), 1e-6);
    }

    @Test
    void constantMapsGiveAZeroMapWithoutNaN() {
        PrincipalComponent pc = PrincipalComponent.of(FloatTensor.full(Shape.of(3, 2, 2), 7f));
        assertArrayEquals(new float[4], pc.map().toArray(), 0f);
        assertTrue(pc.direction().allFinite());
    }

    @Test
    void matchesPowerIterationOnRandomMaps() {
        Random r = new Random(3);
        for (int[] dims : new int[][] {{6, 4, 5}, {12, 2, 3}}) {
            float[] d = new float[dims[0] * dims[1] * dims[2]];
            for (int i = 0; i < d.length; i++) {
                d[i] = (float) (r.nextGaussian() + (i % 3));
            }
            FloatTensor maps = FloatTensor.of(Shape.of(dims[0], dims[1], dims[2]), d);
            PrincipalComponent pc = PrincipalComponent.of(maps);
            double[] v = powerIteration(maps);
            double dot = 0;
            for (int k = 0; k < v.length; k++) {
                dot += v[k] * pc.direction().getFlat(k);
            }
            assertEquals(1, Math.abs(dot), 1e-6);
        }
    }

    @Test
    void aMaskRestrictsTheProjectionToTheSelectedChannels() {
        FloatTensor maps = rankOne(1, 2, -1);
        PrincipalComponent pc = PrincipalComponent.of(maps);
        // Only channel 0: v_0 (A_0 - mean A_0) = (1 / sqrt 6) (P - mean P).
        FloatTensor p = pc.project(maps, ChannelMask.indices(3, 0));
        assertArrayEquals(scaled((float) (1 / Math.sqrt(6)), P_CENTRED), p.toArray(), 1e-6f);
        assertEquals(pc.map(), pc.project(maps, ChannelMask.all(3)));
    }

    /** The top eigenvector of X_c^T X_c by 2000 power iterations, for comparison. */
    private static double[] powerIteration(FloatTensor maps) {
        int k = maps.shape().intDim(0);
        int hw = maps.size() / k;
        double[][] x = new double[k][hw];
        for (int c = 0; c < k; c++) {
            double m = 0;
            for (int i = 0; i < hw; i++) {
                m += maps.getFlat(c * hw + i) / hw;
            }
            for (int i = 0; i < hw; i++) {
                x[c][i] = maps.getFlat(c * hw + i) - m;
            }
        }
        double[] v = new double[k];
        java.util.Arrays.fill(v, 1);
        for (int it = 0; it < 2000; it++) {
            double[] p = new double[hw];
            for (int c = 0; c < k; c++) {
                for (int i = 0; i < hw; i++) {
                    p[i] += x[c][i] * v[c];
                }
            }
            double n = 0;
            for (int c = 0; c < k; c++) {
                double s = 0;
                for (int i = 0; i < hw; i++) {
                    s += x[c][i] * p[i];
                }
                v[c] = s;
                n += s * s;
            }
            n = Math.sqrt(n);
            for (int c = 0; c < k; c++) {
                v[c] /= n;
            }
        }
        return v;
    }
}
