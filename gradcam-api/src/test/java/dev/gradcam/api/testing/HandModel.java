package dev.gradcam.api.testing;

import dev.gradcam.api.tensor.FloatTensor;
import dev.gradcam.api.tensor.Shape;

/**
 * An {@link InMemoryCnn} small enough to derive Grad-CAM by hand: the convolution copies each of 3 input channels
 * to one feature map (centre tap 1, bias 0), so the ReLU layer's maps are {@code A_k = max(x_k, 0)}. With global
 * average pooling over 2x2 positions, d logit_c / d A_k = fcW[c][k] / 4 everywhere, so Grad-CAM's weights at the ReLU
 * layer are {@code w_k = fcW[c][k] / 4}.
 */
public final class HandModel {

    /** fcW / 4, i.e. the Grad-CAM weights: class 0 [1, -0.5, 0.01], class 1 [-1, 2, 0.5]. */
    public static final double[][] WEIGHTS = {{1, -0.5, 0.01}, {-1, 2, 0.5}};

    private HandModel() {
    }

    public static InMemoryCnn model() {
        double[] convW = new double[3 * 3 * 9];
        for (int k = 0; k < 3; k++) {
            convW[((k * 3 + k) * 3 + 1) * 3 + 1] = 1; // centre tap of filter k on channel k
        }
        double[] fcW = new double[2 * 3];
        for (int c = 0; c < 2; c++) {
            for (int k = 0; k < 3; k++) {
                fcW[c * 3 + k] = WEIGHTS[c][k] * 4;
            }
        }
        return new InMemoryCnn(3, 3, 2, 2, 2, convW, new double[3], fcW, new double[2]);
    }

    /**
     * One image [1, 3, 2, 2]: x0 = [[1, 2], [3, 4]], x1 = [[4, 0], [-1, 2]], x2 = [[-1, -1], [1, 1]], so
     * A0 = [[1, 2], [3, 4]], A1 = [[4, 0], [0, 2]], A2 = [[0, 0], [1, 1]].
     */
    public static FloatTensor image() {
        return FloatTensor.of(Shape.of(1, 3, 2, 2), 1, 2, 3, 4, 4, 0, -1, 2, -1, -1, 1, 1);
    }

    /** The image twice, as a batch [2, 3, 2, 2]. */
    public static FloatTensor batchOfTwo() {
        FloatTensor one = image();
        return FloatTensor.concat(java.util.List.of(one, one));
    }
}
